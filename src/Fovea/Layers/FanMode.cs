namespace Fovea.Layers;

/// <summary>Which fan scales a <see cref="Initializers.VarianceScaling"/> initializer (Keras's <c>mode</c>).</summary>
public enum FanMode
{
    /// <summary>Input units times the receptive field ("fan_in").</summary>
    In,

    /// <summary>Output units times the receptive field ("fan_out").</summary>
    Out,

    /// <summary>The mean of the two ("fan_avg").</summary>
    Average,
}
