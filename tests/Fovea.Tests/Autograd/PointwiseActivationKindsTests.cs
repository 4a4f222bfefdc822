using Fovea.Autograd.Functions;
using Fovea.Layers;
using Fovea.Models.Passes;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Autograd;

/// <summary>
/// Every <see cref="ActivationKind"/> has a forward and a backward (no kind falls through to another's kernel): the
/// gradient matches central differences for each, inputs kept 0.1 away from the kinks at 0 and ±3. Every activation
/// name resolves, and the fusion pass classifies each one without throwing.
/// </summary>
public sealed class PointwiseActivationKindsTests
{
    public static TheoryData<string> Kinds => new(Enum.GetNames<ActivationKind>());

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Kind_GradientMatchesFiniteDifferences(string name)
    {
        var kind = Enum.Parse<ActivationKind>(name);
        var rng = new Rng(name.Length);
        var values = new float[24];
        for (int i = 0; i < values.Length; i++)
        {
            float v = (float)(rng.NextNormal() * 2.5);
            foreach (float kink in new[] { 0f, 3f, -3f })
                if (Math.Abs(v - kink) < 0.1f)
                    v = kink + (v >= kink ? 0.1f : -0.1f);
            values[i] = v;
        }
        var x = Tensor.FromArray(values, [4, 6]);
        // Float32 central differences with ε = 1e−3: the standard float tolerance of GradCheck.
        GradCheck.Assert(t => PointwiseActivationFunction.Apply(t[0], kind, 0.7f), [x]);
    }

    [Theory]
    [InlineData("relu", true)]
    [InlineData("leaky_relu", true)]
    [InlineData("swish", true)]
    [InlineData("sigmoid", true)]
    [InlineData("tanh", true)]
    [InlineData("gelu", false)]
    [InlineData("gelu_tanh", false)]
    [InlineData("hard_sigmoid", false)]
    [InlineData("hard_swish", false)]
    [InlineData("mish", false)]
    [InlineData("elu", false)]
    [InlineData("selu", false)]
    [InlineData("softplus", false)]
    public void FusionPass_TakesOnlyKindsTheConvEpilogueComputes(string name, bool fusable)
    {
        var f = Activations.FromName(name);
        Assert.NotNull(f.Kind);
        Assert.Equal(fusable, FusableActivation.Of(f) is not null);
    }
}
