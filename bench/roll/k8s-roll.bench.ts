// The roll on the real cluster (test/k8s/upgrade-roll.k8s.ts): spec.version A → B → B' under 200
// simulated scrypt miners and the CPU miner, across the v35 → v36 switch. It needs a Kubernetes and
// ~15 minutes, so it runs in `make test-k8s`, which writes its figures; this prints the last ones.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const file = join(import.meta.dirname, '../../.build/bench/k8s-roll.txt');
if (existsSync(file)) process.stdout.write(readFileSync(file, 'utf8'));
else console.log('# k8s_roll: not measured on this checkout yet (make test-k8s writes .build/bench/k8s-roll.txt)');
