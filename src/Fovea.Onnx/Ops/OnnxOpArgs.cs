using System.Text.Json.Nodes;

namespace Fovea.Onnx.Ops;

/// <summary>Typed reads of an <see cref="OnnxOp"/>'s canonical attributes (a JSON object, as saved in configs).</summary>
internal sealed class OnnxOpArgs(JsonObject attributes)
{
    public JsonObject Json { get; } = attributes;

    public int Int(string key, int fallback = 0) => Json[key] is { } n ? (int)Number(n) : fallback;

    public long Long(string key, long fallback = 0) => Json[key] is { } n ? (long)Number(n) : fallback;

    public float Float(string key, float fallback = 0f) => Json[key] is { } n ? (float)Number(n) : fallback;

    public bool Bool(string key, bool fallback = false) => Json[key] is { } n ? n.GetValue<bool>() : fallback;

    public string String(string key, string fallback = "") => Json[key] is { } n ? n.GetValue<string>() : fallback;

    public int[] Ints(string key) => Json[key] is JsonArray a ? a.Select(v => (int)Number(v!)).ToArray() : [];

    public long[] Longs(string key) => Json[key] is JsonArray a ? a.Select(v => (long)Number(v!)).ToArray() : [];

    public float[]? Floats(string key) => Json[key] is JsonArray a ? a.Select(v => (float)Number(v!)).ToArray() : null;

    public bool Has(string key) => Json.ContainsKey(key);

    /// <summary>A JSON number of whatever CLR type it was created from (or parsed as), as a double.</summary>
    public static double Number(JsonNode n)
    {
        var v = n.AsValue();
        if (v.TryGetValue(out long l))
            return l;
        if (v.TryGetValue(out int i))
            return i;
        if (v.TryGetValue(out float f))
            return f;
        return v.GetValue<double>();
    }

    public static JsonArray Array<T>(IEnumerable<T> values) =>
        new(values.Select(v => JsonValue.Create(v)).ToArray<JsonNode?>());

    /// <summary>
    /// These attributes for batch delta <paramref name="t"/>: each entry of "slopes" adds slope·t to the attribute of
    /// the same name (see <c>OnnxBatchSlopes</c>).
    /// </summary>
    public OnnxOpArgs AtBatchDelta(long t)
    {
        if (t == 0 || Json["slopes"] is not JsonObject slopes)
            return this;
        var json = Json.DeepClone().AsObject();
        foreach (var (key, slope) in slopes)
        {
            if (slope is JsonArray sa && json[key] is JsonArray va)
                json[key] = Array(va.Zip(sa, (v, s) => (long)Number(v!) + (long)Number(s!) * t));
            else if (slope is JsonValue sv && json[key] is JsonValue vv)
                json[key] = JsonValue.Create((long)Number(vv) + (long)Number(sv) * t);
        }
        return new OnnxOpArgs(json);
    }
}
