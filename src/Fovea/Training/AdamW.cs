namespace Fovea.Training;

/// <summary>
/// Adam with decoupled weight decay, matching <c>torch.optim.AdamW</c>: p ·= 1 − lr·wd, then the Adam step.
/// Defaults follow Keras (weight decay 0.004, ε = 1e−7); PyTorch's default decay is 0.01.
/// </summary>
public sealed class AdamW(double learningRate = 0.001, double weightDecay = 0.004, double beta1 = 0.9,
    double beta2 = 0.999, double epsilon = 1e-7) : Adam(learningRate, beta1, beta2, epsilon, weightDecay)
{
    protected override bool DecoupledWeightDecay => true;
}
