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
        using var session = Open(path);
        return Run(session, inputs);
    }

    /// <summary>A session for <paramref name="path"/> without graph optimisations, to run several times.</summary>
    public static InferenceSession Open(string path)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        return new InferenceSession(path, options);
    }

    /// <summary>Runs an open session on float inputs (in the order of the model's inputs).</summary>
    public static Tensor[] Run(InferenceSession session, params Tensor[] inputs)
    {
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
