/**
 * The digit demo: trains model.ts's softmax regression on the MNIST subset that build.ts exported, one epoch per
 * task so the page stays responsive; then classifies what the user draws on the canvas.
 */
import { argmax, decodeDigits, softmaxRegression, type DigitModel } from './model.js';

const EPOCHS = 8;
const $ = <E extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as E;
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The drawing as MNIST does it: ink cropped, scaled to fit 20×20, centred by its centre of mass in 28×28. */
export function toMnist(pad: HTMLCanvasElement): Float32Array | null {
  const box = inkBox(pad);
  if (!box) return null;
  const [x0, y0, w, h] = box;
  const scale = 20 / Math.max(w, h);
  const sw = Math.max(1, Math.round(w * scale));
  const sh = Math.max(1, Math.round(h * scale));
  const small = document.createElement('canvas');
  small.width = sw;
  small.height = sh;
  const ctx = small.getContext('2d')!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(pad, x0, y0, w, h, 0, 0, sw, sh);
  const px = ctx.getImageData(0, 0, sw, sh).data;
  const ink = (x: number, y: number) => px[(y * sw + x) * 4]! / 255; // red channel: white ink on black
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      mass += ink(x, y);
      cx += ink(x, y) * x;
      cy += ink(x, y) * y;
    }
  }
  const dx = Math.round(14 - cx / mass);
  const dy = Math.round(14 - cy / mass);
  const out = new Float32Array(784);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const tx = x + dx;
      const ty = y + dy;
      if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) out[ty * 28 + tx] = ink(x, y);
    }
  }
  return out;
}

/** [x, y, width, height] of the drawn pixels, or null when the pad is empty. */
function inkBox(pad: HTMLCanvasElement): [number, number, number, number] | null {
  const { width, height } = pad;
  const px = pad.getContext('2d')!.getImageData(0, 0, width, height).data;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (px[(y * width + x) * 4]! === 0) continue;
      [x0, x1] = [Math.min(x0, x), Math.max(x1, x)];
      [y0, y1] = [Math.min(y0, y), Math.max(y1, y)];
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

function showPreview(image: Float32Array): void {
  const ctx = $<HTMLCanvasElement>('preview').getContext('2d')!;
  const img = ctx.createImageData(28, 28);
  image.forEach((v, k) => {
    img.data.set([v * 255, v * 255, v * 255, 255], k * 4);
  });
  ctx.putImageData(img, 0, 0);
}

function showProbabilities(p: Float32Array): void {
  $('prediction').textContent = String(argmax(p));
  $('probs').replaceChildren(
    ...Array.from(p, (v, k) => {
      const row = document.createElement('div');
      row.className = 'prob';
      row.innerHTML = `<span>${k}</span><span class="bar" style="width:${Math.round(v * 150)}px"></span><span>${(v * 100).toFixed(1)}%</span>`;
      return row;
    }),
  );
}

function setUpPad(classify: () => void): void {
  const pad = $<HTMLCanvasElement>('pad');
  const ctx = pad.getContext('2d')!;
  ctx.lineWidth = 20;
  ctx.lineCap = ctx.lineJoin = 'round';
  ctx.strokeStyle = '#fff';
  let drawing = false;
  const at = (e: PointerEvent) => {
    const r = pad.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };
  pad.addEventListener('pointerdown', (e) => {
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    ctx.beginPath();
    ctx.moveTo(...at(e));
    ctx.lineTo(...at(e));
    ctx.stroke();
  });
  pad.addEventListener('pointermove', (e) => {
    if (drawing) {
      ctx.lineTo(...at(e));
      ctx.stroke();
    }
  });
  pad.addEventListener('pointerup', () => {
    drawing = false;
    classify();
  });
  $('clear').addEventListener('click', () => {
    ctx.clearRect(0, 0, pad.width, pad.height);
    $('prediction').textContent = '–';
    $('probs').replaceChildren();
    showPreview(new Float32Array(784));
  });
}

export async function startDigitDemo(): Promise<void> {
  const status = $('train-status');
  const section = $('digits');
  let model: DigitModel | undefined;
  const classify = () => {
    const image = toMnist($<HTMLCanvasElement>('pad'));
    if (!image) return;
    showPreview(image);
    if (model) showProbabilities(model.probabilities(image));
  };
  setUpPad(classify);
  try {
    const response = await fetch('dist/mnist-subset.json');
    if (!response.ok) throw new Error(`dist/mnist-subset.json: HTTP ${response.status} (run the build script)`);
    const json = await response.json();
    const train = decodeDigits(json.train);
    const test = decodeDigits(json.test);
    const training = softmaxRegression(train, { batchSize: 20, eta: 0.2 });
    const t0 = performance.now();
    for (let epoch = 0; epoch < EPOCHS; epoch++) {
      const cost = training.trainEpoch();
      status.textContent = `Training: epoch ${epoch + 1}/${EPOCHS}, cost ${cost.toFixed(3)}…`;
      section.dataset.state = 'training';
      await nextTask();
    }
    model = training;
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    status.textContent =
      `Trained ${EPOCHS} epochs on ${train.count} digits in ${seconds} s (CPU backend); ` +
      `accuracy on ${test.count} MNIST test digits: ${(model.accuracy(test) * 100).toFixed(1)}%. Draw a digit.`;
    section.dataset.state = 'trained';
    classify(); // what was drawn during training
  } catch (e) {
    status.textContent = `Digit demo failed: ${e instanceof Error ? e.message : String(e)}`;
    section.dataset.state = 'failed';
  }
}
