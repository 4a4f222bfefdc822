namespace Fovea.Tuning;

/// <summary>How a numeric hyperparameter is spread over its range (KerasTuner's <c>sampling</c>).</summary>
public enum Sampling
{
    /// <summary>Uniform over [min, max].</summary>
    Linear,

    /// <summary>Uniform in log(value): as many draws in [1e-4, 1e-3] as in [1e-3, 1e-2]. Needs min &gt; 0.</summary>
    Log,

    /// <summary>
    /// The mirror of <see cref="Log"/>: dense near max (KerasTuner's <c>reverse_log</c>),
    /// value = max + min - min·(max/min)^(1-u) for u uniform in [0, 1]. Needs min &gt; 0.
    /// </summary>
    ReverseLog,
}
