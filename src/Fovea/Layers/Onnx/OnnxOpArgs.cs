using System.Text.Json.Nodes;

namespace Fovea.Layers.Onnx;

/// <summary>Typed reads of an <see cref="OnnxOp"/>'s canonical attributes (a JSON object, as saved in
/// configs).</summary>
internal sealed class OnnxOpArgs(JsonObject attributes)
{
    public JsonObject Json { get; } = attributes;

    public int Int(string key, int fallback = 0) => Json[key] is { } n ? n.GetValue<int>() : fallback;

    public long Long(string key, long fallback = 0) => Json[key] is { } n ? n.GetValue<long>() : fallback;

    public float Float(string key, float fallback = 0f) => Json[key] is { } n ? n.GetValue<float>() : fallback;

    public bool Bool(string key, bool fallback = false) => Json[key] is { } n ? n.GetValue<bool>() : fallback;

    public string String(string key, string fallback = "") => Json[key] is { } n ? n.GetValue<string>() : fallback;

    public int[] Ints(string key) => Json[key] is JsonArray a ? a.Select(v => v!.GetValue<int>()).ToArray() : [];

    public long[] Longs(string key) => Json[key] is JsonArray a ? a.Select(v => v!.GetValue<long>()).ToArray() : [];

    public float[]? Floats(string key) => Json[key] is JsonArray a ? a.Select(v
        => v!.GetValue<float>()).ToArray() : null;

    public bool Has(string key) => Json.ContainsKey(key);

    public static JsonArray Array<T>(IEnumerable<T> values) => new(values.Select(v
        => JsonValue.Create(v)).ToArray<JsonNode?>());
}
