using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Tests.Onnx;
using Xunit;

namespace Fovea.Tests.Layers;

/// <summary><see cref="Activations.Relu6"/> (MobileNetV2's activation): min(max(x, 0), 6), its gradient (1 inside
/// (0, 6), 0 outside), the config name, and the ONNX export (Clip) against ONNX Runtime.</summary>
public class Relu6Tests
{
    [Fact]
    public void Apply_ClampsToZeroSixWithTheGradientInside()
    {
        float[] values = [-3f, -0.5f, 0.25f, 3f, 5.5f, 6.5f, 100f];
        var x = Tensor.Wrap((float[])values.Clone(), [values.Length]);
        x.RequiresGrad = true;
        var y = new Activation(Activations.Relu6).Call(x, training: true);
        Assert.Equal(values.Select(v => Math.Clamp(v, 0f, 6f)), y.ToArray());
        y.Backward(Tensor.Ones([values.Length]));
        Assert.Equal(values.Select(v => v is > 0 and < 6 ? 1f : 0f), x.Grad!.ToArray());
        Assert.Same(Activations.Relu6, Activations.FromName("relu6"));
    }

    [Fact]
    public void OnnxExport_MatchesOnnxRuntime()
    {
        var inputs = Input.Create([3, 4, 4]);
        var model = new Model(inputs, new Activation(Activations.Relu6).Call(inputs));
        // Inputs ~ 4·N(0, 1) reach both bounds; a clamp is exact, so any difference is an error.
        ExportCheck.Run(model, 0, [2], "relu6", inputs: n => [Scaled(Tensor.RandomNormal([n, 3, 4, 4], new Rng(5)), 4f)]);
    }

    private static Tensor Scaled(Tensor t, float factor)
    {
        var span = t.AsSpan();
        for (int i = 0; i < span.Length; i++)
            span[i] *= factor;
        return t;
    }
}
