/**
 * Model export: a checkpoint as a TF.js graph model folder and as an ONNX model, both taking raw
 * RGB 0..255 NHWC images (preprocessing, padding and cropping inside the graph) and giving NHWC logits.
 */
export { exportModel, exportOnnxModel, exportTfjsModel, loadTfjsModel } from './modelExport';
export type { ClassesFile, ExportClass, ModelExportResult } from './modelExport';
export { ONNX_OPSET, buildOnnxModel } from './onnxGraph';
export { buildTfjsGraph } from './tfjsGraph';
export { PREPROCESS, preprocessSpec } from './fcnGraph';
export type { ExportWeight, PreprocessSpec } from './fcnGraph';
