using System.Text.Json.Nodes;

namespace Fovea.Layers;

/// <summary>Reading and writing the small values that appear in layer configs.</summary>
internal static class LayerConfig
{
    public static JsonArray Pair(Size2 s) => new(s.Height, s.Width);

    public static Size2 ReadPair(JsonNode? node, Size2 fallback)
    {
        if (node is null)
            return fallback;
        if (node is JsonArray a && a.Count == 2)
            return (a[0]!.GetValue<int>(), a[1]!.GetValue<int>());
        return node.GetValue<int>();
    }

    public static T Read<T>(JsonObject config, string key, T fallback) =>
        config[key] is { } n ? n.GetValue<T>() : fallback;

    public static string? Name(JsonObject config) => config["name"]?.GetValue<string>();

    /// <summary>Writes a layer's activation as Keras does ("activation": name, "linear" for none), with
    /// "activation_alpha" for the activations that take one (LeakyReLU, ELU).</summary>
    public static void WriteActivation(JsonObject config, ActivationFunction? activation)
    {
        config["activation"] = activation?.Name ?? "linear";
        if (activation is { HasAlpha: true })
            config["activation_alpha"] = activation.Alpha;
    }

    /// <summary>The activation <see cref="WriteActivation"/> wrote; null for "linear" or none.</summary>
    public static ActivationFunction? ReadActivation(JsonObject config)
    {
        string name = Read(config, "activation", "linear");
        return name == "linear" ? null : Activations.FromName(name,
            config["activation_alpha"] is null ? null : Read(config, "activation_alpha", 0f));
    }

    /// <summary>Applies the common fields (trainable) after construction.</summary>
    public static T Common<T>(T layer, JsonObject config)
        where T : Layer
    {
        if (config["trainable"] is { } t)
            layer.Trainable = t.GetValue<bool>();
        return layer;
    }
}
