// TF Playground's own engine (src/nn.ts, src/dataset.ts, transpiled by
// bench/kernel_speed.py) timed as its oneStep() trains, without drawing.
// Usage: node tfplayground_harness.js DIR  -> one JSON line of figures.
"use strict";
const path = require("path");
const dir = process.argv[2];
const nn = require(path.join(dir, "nn.js"));
const dataset = require(path.join(dir, "dataset.js"));

const FEATURES = {
  x1: (x, y) => x, x2: (x, y) => y, "x1^2": (x, y) => x * x, "x2^2": (x, y) => y * y,
  "x1*x2": (x, y) => x * y, "sin x1": (x, y) => Math.sin(x), "sin x2": (x, y) => Math.sin(y),
};

function setup(gen, features, hidden) {
  // TF Playground's defaults: 500 points, noise 0, half for training, batch 10, lr 0.03
  const data = gen(500, 0);
  dataset.shuffle(data);
  const split = Math.floor(data.length * 0.5);
  const train = data.slice(0, split), test = data.slice(split);
  const shape = [features.length].concat(hidden).concat([1]);
  const net = nn.buildNetwork(shape, nn.Activations.TANH, nn.Activations.TANH, null, features, false);
  const input = (p) => features.map((f) => FEATURES[f](p.x, p.y));
  return { train, test, net, input };
}

function loss(s, points) {
  let l = 0;
  for (const p of points) l += nn.Errors.SQUARE.error(nn.forwardProp(s.net, s.input(p)), p.label);
  return l / points.length;
}

function epoch(s, withLoss) {  // playground.ts oneStep() without updateUI()
  s.train.forEach((p, i) => {
    nn.forwardProp(s.net, s.input(p));
    nn.backProp(s.net, p.label, nn.Errors.SQUARE);
    if ((i + 1) % 10 === 0) nn.updateWeights(s.net, 0.03, 0);
  });
  if (withLoss) return [loss(s, s.train), loss(s, s.test)];
  return null;
}

function rate(s, withLoss, seconds) {
  for (let i = 0; i < 200; i++) epoch(s, withLoss);  // the JIT warms up
  const c0 = process.cpuUsage(), t0 = process.hrtime.bigint();
  let n = 0;
  while (Number(process.hrtime.bigint() - t0) / 1e9 < seconds) { epoch(s, withLoss); n++; }
  const c = process.cpuUsage(c0), wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { cpu: n / ((c.user + c.system) / 1e6), wall: n / wall };
}

const seconds = Number(process.argv[3] || 1);
const circle = () => setup(dataset.classifyCircleData, ["x1", "x2"], [4, 2]);
const heavy = () => setup(dataset.classifySpiralData, Object.keys(FEATURES), [8, 8, 8, 8, 8, 8]);
console.log(JSON.stringify({
  circle_pass: rate(circle(), false, seconds),
  circle_loss: rate(circle(), true, seconds),
  heavy_loss: rate(heavy(), true, seconds),
}));
