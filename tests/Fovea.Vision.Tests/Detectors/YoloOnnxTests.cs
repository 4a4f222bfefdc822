using Fovea.Onnx;
using Fovea.Tensors;
using Fovea.Vision.Detectors.Yolo;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
using Tensor = Fovea.Tensors.Tensor;

namespace Fovea.Vision.Tests.Detectors;

public class YoloOnnxTests
{
    [Fact]
    public void Export_YoloN_OnnxRuntimeGivesSameHeadOutputsAndDetections()
    {
        var det = new YoloDetector(YoloSize.N, classes: 3, imageSize: 64, seed: 2);
        // Non-trivial BatchNorm statistics: a few training-mode passes move the running means and variances.
        var rng = new Rng(5);
        for (int i = 0; i < 3; i++)
            det.Network.Run([Tensor.RandomUniform([2, 3, 64, 64], rng)], training: true);
        var images = Tensor.RandomUniform([2, 3, 64, 64], rng);
        var ours = det.Network.Run([images]);
        string path = Path.Combine(Path.GetTempPath(), $"fovea-yolo-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Save(det.Network, path);
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
            using var session = new InferenceSession(path, options);
            string input = session.InputMetadata.Keys.Single();
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(input,
                new DenseTensor<float>(images.ToArray(), images.Shape.ToArray()))]);
            var ort = results.Select(r => Tensor.FromArray(r.AsTensor<float>().ToArray(),
                new Shape(r.AsTensor<float>().Dimensions.ToArray()))).ToArray();
            Assert.Equal(3, ort.Length);
            for (int l = 0; l < 3; l++)
            {
                Assert.Equal(ours[l].Shape, ort[l].Shape);
                var a = ours[l].AsReadOnlySpan();
                var b = ort[l].AsReadOnlySpan();
                // float32 through ~60 conv/BN layers with different summation orders: relative 1e-4 of the scale.
                float scale = 0;
                for (int i = 0; i < a.Length; i++)
                    scale = Math.Max(scale, Math.Abs(a[i]));
                for (int i = 0; i < a.Length; i++)
                    Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f * (1 + scale), $"level {l} [{i}]: {a[i]} vs {b[i]}");
            }
            // The documented post-processing on the ONNX outputs gives the detections of Predict.
            var (box, cls) = YoloDetector.Flatten(ort, det.RegMax, det.Classes);
            var fromOnnx = det.PostProcess(det.Loss.DecodeBoxes(box, det.AnchorPoints, det.AnchorStrides), cls);
            var direct = det.Predict(images);
            for (int n = 0; n < 2; n++)
            {
                int k = Math.Min(20, Math.Min(direct[n].Count, fromOnnx[n].Count));
                Assert.True(k > 0);
                Assert.Equal(direct[n].Labels.Take(k), fromOnnx[n].Labels.Take(k));
                for (int j = 0; j < 4 * k; j++)
                    Assert.Equal(direct[n].Boxes[j], fromOnnx[n].Boxes[j], 0.01f);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
