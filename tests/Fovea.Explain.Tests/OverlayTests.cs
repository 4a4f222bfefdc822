using Fovea.Tensors;
using SkiaSharp;
using Xunit;

namespace Fovea.Explain.Tests;

/// <summary>Heatmap overlays: colour map anchors, blending, PNG size.</summary>
public sealed class OverlayTests
{
    [Fact]
    public void Color_Ends_AreMatplotlibAnchors()
    {
        // matplotlib viridis(0) = #440154, viridis(1) = #fde725; inferno(1) = #fcffa4.
        Assert.Equal(((byte)68, (byte)1, (byte)84), Overlay.Color(0f));
        Assert.Equal(((byte)253, (byte)231, (byte)37), Overlay.Color(1f));
        Assert.Equal(((byte)252, (byte)255, (byte)164), Overlay.Color(2f, ColorMap.Inferno));
    }

    [Fact]
    public void Blend_AlphaZeroIsImage_AlphaOneIsColour()
    {
        var image = Tensor.FromArray([0f, 1f, 0f, 1f, 0f, 1f], [3, 1, 2]);
        var map = Tensor.FromArray([0f, 1f], [1, 2]);
        Assert.Equal(new byte[] { 0, 0, 0, 255, 255, 255 }, Overlay.Blend(image, map, alpha: 0f));
        Assert.Equal(new byte[] { 68, 1, 84, 253, 231, 37 }, Overlay.Blend(image, map, alpha: 1f));
    }

    [Fact]
    public void ToPng_SmallMapOnLargerImage_DecodesAtScaledSize()
    {
        var image = Tensor.RandomUniform([3, 8, 10], new Rng(1), 0, 1);
        var png = Overlay.ToPng(image, Tensor.FromArray([0f, 1f, 2f, 3f], [2, 2]), scale: 3);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(3 * 10 + 2 * 2, bitmap.Width);
        Assert.Equal(3 * 8 + 2 * 2, bitmap.Height);
    }
}
