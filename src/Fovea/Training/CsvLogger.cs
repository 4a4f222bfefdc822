using System.Globalization;
using System.Text.Json.Nodes;
using System.Text;
using Fovea.IO;

namespace Fovea.Training;

/// <summary>
/// Writes one CSV row per epoch (epoch, then the logs in a fixed order) (Keras <c>CSVLogger</c>). The whole file is
/// rewritten atomically after every epoch, so it is always complete.
/// </summary>
public sealed class CsvLogger(string fileName, char separator = ',') : Callback, ICheckpointable
{
    private readonly List<string> _rows = [];
    private List<string>? _keys;

    public string FileName { get; } = fileName;

    public override void OnTrainBegin()
    {
        _rows.Clear();
        _keys = null;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _keys ??= logs.Keys.ToList();
        var row = new StringBuilder().Append(epoch.ToString(CultureInfo.InvariantCulture));
        foreach (var k in _keys)
            row.Append(separator).Append(logs.TryGetValue(k, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "");
        _rows.Add(row.ToString());
        var text = new StringBuilder().Append("epoch");
        foreach (var k in _keys)
            text.Append(separator).Append(k);
        text.Append('\n');
        foreach (var r in _rows)
            text.Append(r).Append('\n');
        AtomicFile.WriteAllText(FileName, text.ToString());
    }

    public (JsonObject Values, IReadOnlyDictionary<string, float[]> Arrays) GetState() =>
        (new JsonObject
        {
            ["rows"] = new JsonArray(_rows.Select(r => (JsonNode)r).ToArray()),
            ["keys"] = _keys is null ? null : new JsonArray(_keys.Select(k => (JsonNode)k).ToArray()),
        }, new Dictionary<string, float[]>());

    public void SetState(JsonObject values, IReadOnlyDictionary<string, float[]> arrays)
    {
        _rows.Clear();
        _rows.AddRange(values["rows"]!.AsArray().Select(r => r!.GetValue<string>()));
        _keys = values["keys"]?.AsArray().Select(k => k!.GetValue<string>()).ToList();
    }
}
