/**
 * network3.ts: a port of network3.py (chapter 6 of Michael Nielsen's "Neural Networks and Deep Learning") to tsano.
 *
 * A tsano-based program for training and running simple neural networks. Supports several layer types (fully
 * connected, convolutional + max pooling, softmax), activation functions (sigmoid, tanh, rectified linear units) and
 * dropout. The structure, the initialisations, the cost, the mini-batch `givens` and the printed lines follow the
 * book's listing. What is added, mostly from the chapter's problems: early stopping, accuracy and predictions on any
 * data set, learning-rate schedules, saving and loading networks, training accuracy per epoch (overfitting
 * diagnostics), the one-pixel expansion of the training data, an ensemble vote, pictures, a progress bar (stderr),
 * the wall time of each epoch, and a result object returned by `SGD`.
 *
 * The code lives in a few smaller modules; this one gathers them under the book's module name:
 *   layers.ts (ConvPoolLayer, FullyConnectedLayer, SoftmaxLayer, dropoutLayer, activations), data.ts
 *   (loadDataShared, size, expandMnist), network.ts (Network), schedules.ts, persistence.ts (save/load),
 *   ensemble.ts (vote), pictures.ts and png.ts (images), svg.ts (accuracy curves).
 */
export * from './layers.js';
export * from './data.js';
export * from './network.js';
export * from './schedules.js';
export * from './persistence.js';
export * from './ensemble.js';
