using Fovea.Autograd;
using Fovea.Onnx;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Onnx;

/// <summary>
/// A graph with a symbolic batch whose shape arithmetic folds the batch into another axis (as attention does:
/// [N, 4, 6] → [4, N, 6] → [4, 2N, 3] → [2N, 4, 3] → [N, 24]) runs with any batch once imported, and each sample of
/// a batch gets what it gets alone.
/// </summary>
public sealed class OnnxBatchTests
{
    private static byte[] AttentionLikeGraph() => new OnnxModelBuilder(13)
        .Input("x", -1, 4, 6)
        .Initializer("zero", [1], values: [0f], type: OnnxTensors.Int64)
        .Initializer("two", [], values: [2f], type: OnnxTensors.Int64)
        .Initializer("four", [1], values: [4f], type: OnnxTensors.Int64)
        .Initializer("three", [1], values: [3f], type: OnnxTensors.Int64)
        .Initializer("minus_one", [1], values: [-1f], type: OnnxTensors.Int64)
        .Node("Shape", ["x"], ["s"])
        .Node("Gather", ["s", "zero"], ["n"], null, ("axis", 0))
        .Node("Mul", ["n", "two"], ["n2"])
        .Node("Transpose", ["x"], ["t"], null, ("perm", new long[] { 1, 0, 2 }))
        .Node("Concat", ["four", "n2", "three"], ["target"], null, ("axis", 0))
        .Node("Reshape", ["t", "target"], ["r"])
        .Node("Transpose", ["r"], ["r2"], null, ("perm", new long[] { 1, 0, 2 }))
        .Node("Concat", ["n", "minus_one"], ["target2"], null, ("axis", 0))
        .Node("Reshape", ["r2", "target2"], ["y"])
        .Output("y")
        .Bytes();

    [Fact]
    public void SymbolicBatchFoldedIntoAnotherAxis_RunsWithAnyBatch()
    {
        var model = OnnxImporter.Load(AttentionLikeGraph(), "attention.onnx");
        var x = Tensor.RandomNormal([3, 4, 6], new Rng(1));
        Tensor batch;
        using (GradMode.NoGrad())
            batch = model.Run([x])[0];
        Assert.Equal(new Shape(3, 24), batch.Shape);
        for (int i = 0; i < 3; i++)
        {
            var one = Tensor.FromArray(x.ToArray().AsSpan(i * 24, 24), [1, 4, 6]);
            Tensor alone;
            using (GradMode.NoGrad())
                alone = model.Run([one])[0];
            Assert.Equal(alone.ToArray(), batch.ToArray().AsSpan(i * 24, 24).ToArray());
        }
    }

    [Fact]
    public void WithoutFlexibleBatch_OtherBatchesFailClearly()
    {
        var model = OnnxImporter.Load(AttentionLikeGraph(), "attention.onnx", options: new OnnxImportOptions { FlexibleBatch = false });
        var e = Assert.Throws<FoveaException>(() => model.Run([Tensor.Zeros([3, 4, 6])]));
        Assert.Contains("written for batch 1", e.Message);
    }
}
