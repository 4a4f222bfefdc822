namespace Fovea.Layers;

/// <summary>
/// Makes a layer type loadable from model configs (Keras' <c>register_keras_serializable</c>): put it on the class,
/// beside the static factory that rebuilds the layer from <see cref="Layer.GetConfig"/>. <see cref="LayerRegistry"/>
/// finds registered types in every loaded assembly, so a custom layer needs no central list:
/// <code>
/// [RegisterLayer]
/// public sealed class SEBlock(int ratio = 16) : Layer
/// {
///     public static SEBlock FromConfig(JsonObject c) => new(c["ratio"]!.GetValue&lt;int&gt;());
///     ...
/// }
/// </code>
/// </summary>
/// <param name="typeName">The name in configs; the class name by default (it must equal the layer's
/// <see cref="Layer.TypeName"/>).</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RegisterLayerAttribute(string? typeName = null) : Attribute
{
    public string? TypeName { get; } = typeName;

    /// <summary>The public static method taking the config (<c>JsonObject</c>) and returning the layer.</summary>
    public string Factory { get; init; } = "FromConfig";
}
