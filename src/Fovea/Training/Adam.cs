using Fovea.Kernels;

namespace Fovea.Training;

/// <summary>
/// Adam, matching <c>torch.optim.Adam</c>: m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g²,
/// p −= lr/(1 − β1ᵗ) · m/(√v/√(1 − β2ᵗ) + ε). <paramref name="weightDecay"/> adds wd·p to the gradient (coupled L2).
/// Defaults follow Keras (ε = 1e−7).
/// </summary>
public class Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
    double weightDecay = 0.0) : Optimizer(learningRate)
{
    public double Beta1 { get; } = beta1;
    public double Beta2 { get; } = beta2;
    public double Epsilon { get; } = epsilon;
    public double WeightDecay { get; } = weightDecay;

    /// <summary>True for AdamW: the decay shrinks the weights directly instead of entering the gradient.</summary>
    protected virtual bool DecoupledWeightDecay => false;

    protected override int SlotCount => 2;

    protected override void Update(Span<float> parameter, ReadOnlySpan<float> gradient, float[][] slots, int step) =>
        OptimizerKernels.Adam(parameter, gradient, slots[0], slots[1], (float)LearningRate, (float)Beta1, (float)Beta2,
            (float)Epsilon, (float)WeightDecay, DecoupledWeightDecay, step);
}
