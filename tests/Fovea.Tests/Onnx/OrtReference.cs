using Fovea.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Fovea.Tensors.Tensor;

namespace Fovea.Tests.Onnx;

/// <summary>Runs a model file in ONNX Runtime (the oracle) on float inputs; returns every output as a float
/// tensor.</summary>
internal static class OrtReference
{
    public static Tensor[] Run(string path, params Tensor[] inputs)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(path, options);
        var names = session.InputMetadata.Keys.ToList();
        var feeds = inputs.Select((t, i) => NamedOnnxValue.CreateFromTensor(names[i],
            new DenseTensor<float>(t.ToArray(), t.Shape.ToArray()))).ToList();
        using var results = session.Run(feeds);
        return results.Select(r =>
        {
            var tensor = r.AsTensor<float>();
            return Tensor.FromArray(tensor.ToArray(), new Shape(tensor.Dimensions.ToArray()));
        }).ToArray();
    }
}
