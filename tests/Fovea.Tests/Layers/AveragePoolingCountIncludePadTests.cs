using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Tests.Onnx;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary>
/// <see cref="AveragePooling2D"/> with <c>countIncludePad</c> (PyTorch's default, Inception-v3's 3×3 pooling): every
/// window divides by KH·KW, padding counting as zeros, so at a border the value is the padding-excluding average
/// times (cells inside)/(KH·KW); checked by hand on arange values, through the config round trip and the ONNX export
/// (count_include_pad 1) against ONNX Runtime.
/// </summary>
public class AveragePoolingCountIncludePadTests
{
    [Fact]
    public void Forward_3x3Pad1_DividesByNineEverywhere()
    {
        // x = 0..15 as a 4×4 image.
        var x = Tensor.Wrap(Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), [1, 1, 4, 4]);
        var y = new AveragePooling2D(3, 1, Padding.Explicit(1), countIncludePad: true).Call(x);
        // Corner (0, 0): cells 0, 1, 4, 5 → 10 / 9; edge (0, 1): 0, 1, 2, 4, 5, 6 → 18 / 9; inside (1, 1): 45 / 9.
        Assert.Equal(10f / 9, y.ToArray()[0], 6);
        Assert.Equal(18f / 9, y.ToArray()[1], 6);
        Assert.Equal(45f / 9, y.ToArray()[5], 6);
        var excluding = new AveragePooling2D(3, 1, Padding.Explicit(1)).Call(x);
        Assert.Equal(10f / 4, excluding.ToArray()[0], 6);
    }

    [Fact]
    public void Config_RoundTrip_KeepsCountIncludePad()
    {
        var layer = new AveragePooling2D(3, 1, Padding.Explicit(1), "p", countIncludePad: true);
        var copy = (AveragePooling2D)LayerRegistry.FromConfig(nameof(AveragePooling2D), layer.GetConfig());
        Assert.True(copy.CountIncludePad);
        Assert.False(((AveragePooling2D)LayerRegistry.FromConfig(nameof(AveragePooling2D),
            new AveragePooling2D(2).GetConfig())).CountIncludePad);
    }

    [Fact]
    public void OnnxExport_MatchesOnnxRuntime()
    {
        var inputs = Input.Create([2, 5, 6]);
        var model = new Model(inputs,
            new AveragePooling2D(3, 1, Padding.Explicit(1), countIncludePad: true).Call(inputs));
        // Averages of nine values of order one.
        ExportCheck.Run(model, 1e-5, [2], "average pooling counting padding");
    }
}
