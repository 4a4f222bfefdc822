using System.Text.Json.Nodes;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// The weight initializers, with Keras's definitions:
/// Glorot (Xavier) uniform U(±√(6/(fanIn + fanOut))), Glorot normal N(0, 2/(fanIn + fanOut)) truncated at 2σ,
/// He uniform U(±√(6/fanIn)), He normal N(0, 2/fanIn) truncated at 2σ (σ rescaled by 1/0.8796 so the truncated
/// distribution keeps the intended variance, as Keras does), zeros, ones, constants.
/// </summary>
public static class Initializers
{
    public static Initializer GlorotUniform { get; } = new VarianceScaling("GlorotUniform", 1.0, FanMode.Average, uniform: true);

    public static Initializer GlorotNormal { get; } = new VarianceScaling("GlorotNormal", 1.0, FanMode.Average, uniform: false);

    public static Initializer HeUniform { get; } = new VarianceScaling("HeUniform", 2.0, FanMode.In, uniform: true);

    public static Initializer HeNormal { get; } = new VarianceScaling("HeNormal", 2.0, FanMode.In, uniform: false);

    public static Initializer LecunUniform { get; } = new VarianceScaling("LecunUniform", 1.0, FanMode.In, uniform: true);

    public static Initializer LecunNormal { get; } = new VarianceScaling("LecunNormal", 1.0, FanMode.In, uniform: false);

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
            "Zeros" => Zeros,
            "Ones" => Ones,
            "Constant" => Constant(node!["value"]?.GetValue<float>() ?? 0f),
            _ => throw new FoveaException($"unknown initializer '{name}'"),
        };
    }

    private enum FanMode { In, Average }

    private sealed class VarianceScaling(string name, double scale, FanMode mode, bool uniform) : Initializer
    {
        // Standard deviation of a standard normal truncated to [−2, 2].
        private const double TruncatedStd = 0.87962566103423978;

        public override string Name => name;

        public override void Fill(Span<float> values, Shape shape, Rng rng)
        {
            var (fanIn, fanOut) = Fans(shape);
            double n = mode == FanMode.In ? fanIn : (fanIn + fanOut) / 2.0;
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
    }

    private sealed class ConstantInitializer(string name, float value) : Initializer
    {
        public override string Name => name;

        public override void Fill(Span<float> values, Shape shape, Rng rng) => values.Fill(value);

        public override JsonObject GetConfig() =>
            name == "Constant" ? new JsonObject { ["class"] = name, ["value"] = value } : base.GetConfig();
    }
}
