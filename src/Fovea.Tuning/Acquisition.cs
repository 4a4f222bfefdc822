namespace Fovea.Tuning;

/// <summary>How Bayesian optimisation scores a candidate from the Gaussian process's mean μ and deviation σ.</summary>
public enum Acquisition
{
    /// <summary>E[max(best - f(x), 0)] = (best - μ - ξ)Φ(z) + σφ(z), z = (best - μ - ξ)/σ, on the loss, ξ = 0.01.</summary>
    ExpectedImprovement,

    /// <summary>The confidence bound μ - β·σ on the loss (KerasTuner's upper confidence bound on the score), β = 2.6.</summary>
    UpperConfidenceBound,
}
