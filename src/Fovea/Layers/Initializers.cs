using System.Text.Json.Nodes;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// The weight initializers, with Keras's definitions:
/// Glorot (Xavier) uniform U(±√(6/(fanIn + fanOut))), Glorot normal N(0, 2/(fanIn + fanOut)) truncated at 2σ,
/// He uniform U(±√(6/fanIn)), He normal N(0, 2/fanIn) truncated at 2σ (σ rescaled by 1/0.8796 so the truncated
/// distribution keeps the intended variance, as Keras does), LeCun uniform and normal, any
/// <see cref="VarianceScaling"/>, PyTorch's default <see cref="TorchDefault"/>, zeros, ones, constants.
/// </summary>
public static class Initializers
{
    public static Initializer GlorotUniform { get; } = new VarianceScalingInitializer("GlorotUniform", 1.0, FanMode.Average, uniform: true);

    public static Initializer GlorotNormal { get; } = new VarianceScalingInitializer("GlorotNormal", 1.0, FanMode.Average, uniform: false);

    public static Initializer HeUniform { get; } = new VarianceScalingInitializer("HeUniform", 2.0, FanMode.In, uniform: true);

    public static Initializer HeNormal { get; } = new VarianceScalingInitializer("HeNormal", 2.0, FanMode.In, uniform: false);

    public static Initializer LecunUniform { get; } = new VarianceScalingInitializer("LecunUniform", 1.0, FanMode.In, uniform: true);

    public static Initializer LecunNormal { get; } = new VarianceScalingInitializer("LecunNormal", 1.0, FanMode.In, uniform: false);

    /// <summary>
    /// PyTorch's default for Conv and Linear weights, <c>kaiming_uniform_(a=√5)</c>: U(±1/√fanIn), which is
    /// <c>VarianceScaling(1/3, FanMode.In, uniform: true)</c>. Useful to reproduce a PyTorch run.
    /// </summary>
    public static Initializer TorchDefault { get; } = new VarianceScalingInitializer("TorchDefault", 1.0 / 3, FanMode.In, uniform: true);

    /// <summary>
    /// Keras's <c>VarianceScaling</c>: variance <paramref name="scale"/>/n with n the fan of <paramref name="mode"/>;
    /// uniform U(±√(3·variance)) or a normal truncated at 2σ (σ rescaled to keep the variance).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive.</exception>
    public static Initializer VarianceScaling(double scale = 1.0, FanMode mode = FanMode.In, bool uniform = false) =>
        scale > 0
            ? new VarianceScalingInitializer("VarianceScaling", scale, mode, uniform)
            : throw new ArgumentOutOfRangeException(nameof(scale), scale, "VarianceScaling: the scale must be positive");

    public static Initializer Zeros { get; } = new ConstantInitializer("Zeros", 0f);

    public static Initializer Ones { get; } = new ConstantInitializer("Ones", 1f);

    public static Initializer Constant(float value) => new ConstantInitializer("Constant", value);

    /// <summary>Rebuilds an initializer from its config entry.</summary>
    public static Initializer FromConfig(JsonNode? node)
    {
        string name = node?["class"]?.GetValue<string>() ?? throw new FoveaException("initializer config has no 'class'");
        return name switch
        {
            "GlorotUniform" => GlorotUniform,
            "GlorotNormal" => GlorotNormal,
            "HeUniform" => HeUniform,
            "HeNormal" => HeNormal,
            "LecunUniform" => LecunUniform,
            "LecunNormal" => LecunNormal,
            "TorchDefault" => TorchDefault,
            "VarianceScaling" => VarianceScaling(node!["scale"]?.GetValue<double>() ?? 1.0,
                Enum.Parse<FanMode>(node!["mode"]?.GetValue<string>() ?? nameof(FanMode.In)),
                node!["uniform"]?.GetValue<bool>() ?? false),
            "Zeros" => Zeros,
            "Ones" => Ones,
            "Constant" => Constant(node!["value"]?.GetValue<float>() ?? 0f),
            _ => throw new FoveaException($"unknown initializer '{name}'"),
        };
    }

    private sealed class VarianceScalingInitializer(string name, double scale, FanMode mode, bool uniform) : Initializer
    {
        // Standard deviation of a standard normal truncated to [−2, 2].
        private const double TruncatedStd = 0.87962566103423978;

        public override string Name => name;

        public override void Fill(Span<float> values, Shape shape, Rng rng)
        {
            var (fanIn, fanOut) = Fans(shape);
            double n = mode switch
            {
                FanMode.In => fanIn,
                FanMode.Out => fanOut,
                _ => (fanIn + fanOut) / 2.0,
            };
            double variance = scale / Math.Max(1.0, n);
            if (uniform)
            {
                double limit = Math.Sqrt(3.0 * variance);
                for (int i = 0; i < values.Length; i++)
                    values[i] = (float)((rng.NextDouble() * 2 - 1) * limit);
                return;
            }
            double std = Math.Sqrt(variance) / TruncatedStd;
            for (int i = 0; i < values.Length; i++)
            {
                double z;
                do
                {
                    z = rng.NextNormal();
                }
                while (Math.Abs(z) > 2);
                values[i] = (float)(z * std);
            }
        }

        public override JsonObject GetConfig() => name == "VarianceScaling"
            ? new JsonObject { ["class"] = name, ["scale"] = scale, ["mode"] = mode.ToString(), ["uniform"] = uniform }
            : base.GetConfig();
    }

    private sealed class ConstantInitializer(string name, float value) : Initializer
    {
        public override string Name => name;

        public override void Fill(Span<float> values, Shape shape, Rng rng) => values.Fill(value);

        public override JsonObject GetConfig() =>
            name == "Constant" ? new JsonObject { ["class"] = name, ["value"] = value } : base.GetConfig();
    }
}
