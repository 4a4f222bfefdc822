using System.Text.Json.Nodes;

namespace Fovea.Layers;

/// <summary>
/// Maps layer type names in model configs to factories. Fovea's layers are registered; register your own
/// layer types before loading a model that uses them.
/// </summary>
public static class LayerRegistry
{
    private static readonly Dictionary<string, Func<JsonObject, Layer>> s_factories = new()
    {
        ["Conv2D"] = Conv2D.FromConfig,
        ["DepthwiseConv2D"] = DepthwiseConv2D.FromConfig,
        ["Dense"] = Dense.FromConfig,
        ["BatchNormalization"] = BatchNormalization.FromConfig,
        ["MaxPooling2D"] = MaxPooling2D.FromConfig,
        ["AveragePooling2D"] = AveragePooling2D.FromConfig,
        ["GlobalAveragePooling2D"] = GlobalAveragePooling2D.FromConfig,
        ["Flatten"] = Flatten.FromConfig,
        ["Dropout"] = Dropout.FromConfig,
        ["DropPath"] = DropPath.FromConfig,
        ["Activation"] = Activation.FromConfig,
        ["ReLU"] = ReLU.FromConfig,
        ["LeakyReLU"] = LeakyReLU.FromConfig,
        ["PReLU"] = PReLU.FromConfig,
        ["Softmax"] = Softmax.FromConfig,
        ["Add"] = Add.FromConfig,
        ["Concatenate"] = Concatenate.FromConfig,
        ["Multiply"] = Multiply.FromConfig,
    };

    private static readonly object s_gate = new();

    /// <summary>Registers (or replaces) the factory for <paramref name="typeName"/>.</summary>
    public static void Register(string typeName, Func<JsonObject, Layer> factory)
    {
        lock (s_gate)
            s_factories[typeName] = factory;
    }

    /// <summary>Creates a layer from its type name and <see cref="Layer.GetConfig"/> output.</summary>
    public static Layer FromConfig(string typeName, JsonObject config)
    {
        Func<JsonObject, Layer>? factory;
        lock (s_gate)
            s_factories.TryGetValue(typeName, out factory);
        if (factory is null)
            throw new FoveaException($"unknown layer type '{typeName}' in model config; register it with LayerRegistry.Register");
        try
        {
            return factory(config);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or NullReferenceException)
        {
            throw new FoveaException($"invalid config for {typeName} '{LayerConfig.Name(config)}': {e.Message}", e);
        }
    }
}
