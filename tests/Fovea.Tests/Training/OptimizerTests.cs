using Fovea.Tensors;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Training;

public class OptimizerTests
{
    [Fact]
    public void Adam_ParameterJoiningLate_StartsItsOwnBiasCorrection()
    {
        // A parameter's first Adam step moves it by lr·g/(|g| + ε') ≈ lr whatever the global step (torch.optim
        // counts steps per parameter). With a global count at step 3 the move would be lr·(1−β1)/(1−β1³)·… ≠ lr.
        var a = new Parameter("a", [1]);
        var b = new Parameter("b", [1]);
        var adam = new Adam(learningRate: 0.1, epsilon: 1e-8);
        a.Grad = Tensor.FromArray(1f);
        adam.Step([a, b]);
        adam.Step([a, b]);
        b.Grad = Tensor.FromArray(2f);
        adam.Step([a, b]);
        Assert.Equal(-0.1f, b.ToArray()[0], 5);
        Assert.Equal(1, adam.GetState(b)!.Value.Steps);
        Assert.Equal(3, adam.GetState(a)!.Value.Steps);
    }

    [Fact]
    public void Step_SkipsFrozenParametersAndThoseWithoutGradient()
    {
        var frozen = new Parameter("f", [2], trainable: false);
        var noGrad = new Parameter("n", [2]);
        var sgd = new Sgd(1.0);
        sgd.Step([frozen, noGrad]);
        Assert.Equal([0f, 0f], frozen.ToArray());
        Assert.Equal([0f, 0f], noGrad.ToArray());
        Assert.Null(sgd.GetState(noGrad));
    }

    [Fact]
    public void Constructor_RejectsNonPositiveLearningRate() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(learningRate: 0));
}
