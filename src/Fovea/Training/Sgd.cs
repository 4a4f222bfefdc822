using Fovea.Kernels;

namespace Fovea.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum and Nesterov momentum, matching <c>torch.optim.SGD</c>
/// (dampening 0): buf = μ·buf + g (buf = g on the first step); step = nesterov ? g + μ·buf : buf; p −= lr·step.
/// <paramref name="weightDecay"/> adds wd·p to the gradient (L2, coupled). Keras default learning rate 0.01.
/// </summary>
public sealed class Sgd(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false, double weightDecay = 0.0)
    : Optimizer(learningRate)
{
    public double Momentum { get; } = momentum >= 0 ? momentum : throw new ArgumentOutOfRangeException(nameof(momentum));

    public bool Nesterov { get; } = !nesterov || momentum > 0
        ? nesterov
        : throw new ArgumentException("Nesterov momentum needs momentum > 0");

    public double WeightDecay { get; } = weightDecay;

    protected override int SlotCount => Momentum == 0 ? 0 : 1;

    protected override void Update(Span<float> parameter, ReadOnlySpan<float> gradient, float[][] slots, int step) =>
        OptimizerKernels.Sgd(parameter, gradient, Momentum == 0 ? default : slots[0], (float)LearningRate, (float)Momentum,
            Nesterov, (float)WeightDecay, firstStep: step == 1 || Momentum == 0);
}
