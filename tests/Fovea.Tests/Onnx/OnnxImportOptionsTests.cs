using Fovea.Layers;
using Fovea.Onnx;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Onnx;

/// <summary>OnnxImportOptions.Outputs: importing a graph up to an inner tensor, checked against ONNX Runtime.
/// </summary>
public sealed class OnnxImportOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-onnx-options-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// SmallCnn with its ReLU output "r" also declared as a graph output, so ONNX Runtime computes it; Fovea imports
    /// only up to "r" (named as a tensor or as its node "relu") and must give the same values. Conv + BatchNorm +
    /// ReLU of order-one values over 18 products: 1e-5 absolute covers float32 reordering tenfold.
    /// </summary>
    [Theory]
    [InlineData("r")]
    [InlineData("relu")]
    public void Outputs_InnerTensorOrNode_ImportsOnlyWhatItNeedsAndMatchesOnnxRuntime(string output)
    {
        string path = Path.Combine(_dir, "small.onnx");
        File.WriteAllBytes(path, OnnxModelBuilder.SmallCnn().Output("r").Bytes());
        var model = OnnxImporter.Load(path, new OnnxImportOptions { Outputs = [output] });
        Assert.Equal(["conv", "bn", "relu"], model.Layers.Select(l => l.Name));
        var x = Tensor.RandomNormal([3, 2, 8, 8], new Rng(4));
        var expected = OrtReference.Run(path, x)[1];
        var actual = model.Predict(x);
        Assert.Equal(expected.Shape, actual.Shape);
        TensorAssert.Close(expected.AsReadOnlySpan(), actual.AsReadOnlySpan(), 1e-5, 0, "ReLU output");
    }

    [Fact]
    public void Outputs_UnknownName_FoveaExceptionNamingItAndTheGraphOutputs()
    {
        var e = Assert.Throws<FoveaException>(() => OnnxImporter.Load(OnnxModelBuilder.SmallCnn().Bytes(),
            "small.onnx", options: new OnnxImportOptions { Outputs = ["nowhere"] }));
        Assert.Contains("'nowhere'", e.Message);
        Assert.Contains("'logits'", e.Message);
        Assert.Contains("small.onnx", e.Message);
    }

    /// <summary>
    /// A fixed 8×8 average pooling after a convolution (as the CNTK ResNet-18 ends in a 7×7 one) stops the graph
    /// from running on 4×4 images; cut before the pooling, it does.
    /// </summary>
    [Fact]
    public void Outputs_CutBeforeFixedPooling_RunsOnSmallerImages()
    {
        var bytes = new OnnxModelBuilder().Input("x", 1, 2, 8, 8).Initializer("w", [3, 2, 3, 3])
            .Node("Conv", ["x", "w"], ["c"], "conv", ("pads", new long[] { 1, 1, 1, 1 }))
            .Node("AveragePool", ["c"], ["p"], "pool", ("kernel_shape", new long[] { 8, 8 }))
            .Output("p").Bytes();
        var small = new Dictionary<string, int[]> { ["x"] = [1, 2, 4, 4] };
        Assert.Throws<FoveaException>(() => OnnxImporter.Load(bytes, "pooled.onnx",
            options: new OnnxImportOptions { InputShapes = small }));
        var model = OnnxImporter.Load(bytes, "pooled.onnx",
            options: new OnnxImportOptions { InputShapes = small, Outputs = ["c"] });
        Assert.IsType<Conv2D>(Assert.Single(model.Layers));
        Assert.Equal(new Shape(5, 3, 4, 4), model.Predict(Tensor.Zeros([5, 2, 4, 4])).Shape);
    }
}
