using System.Text.Json;

namespace Fovea.Vision.Formats;

/// <summary>Reads and writes COCO JSON: ground-truth files (<c>images</c>, <c>categories</c>, <c>annotations</c>
/// with <c>bbox</c>, <c>area</c>, <c>iscrowd</c>) and results lists (<c>[{image_id, category_id, bbox, score}]</c>).
/// </summary>
/// <remarks>Errors are <see cref="FoveaException"/>s that name the file and the entry at fault. Fields the format
/// allows to be absent get COCO's meaning: a missing <c>area</c> is w×h, a missing <c>iscrowd</c> is 0. Numbers are
/// written in the shortest form that reads back to the same double.</remarks>
public static class CocoJson
{
    /// <summary>Reads a COCO ground-truth file.</summary>
    /// <exception cref="FoveaException">The file is missing, is not JSON, or an entry lacks a required field.
    /// </exception>
    public static CocoDataset ReadDataset(string path)
    {
        using var doc = Open(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw Error(path, $"a COCO ground-truth file is a JSON object, found {Kind(root)}");
        var images = new List<CocoImage>();
        foreach (var (e, where) in Items(path, root, "images"))
        {
            images.Add(new CocoImage(Long(path, e, "id", where),
                e.TryGetProperty("file_name", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "",
                e.TryGetProperty("width", out _) ? (int)Long(path, e, "width", where) : 0,
                e.TryGetProperty("height", out _) ? (int)Long(path, e, "height", where) : 0));
        }
        var categories = new List<CocoCategory>();
        foreach (var (e, where) in Items(path, root, "categories"))
        {
            categories.Add(new CocoCategory((int)Long(path, e, "id", where), OptionalString(e, "name") ?? "",
                OptionalString(e, "supercategory")));
        }
        var annotations = new List<CocoAnnotation>();
        foreach (var (e, where) in Items(path, root, "annotations"))
        {
            var box = Box(path, e, where);
            double area = e.TryGetProperty("area", out _) ? Number(path, e, "area", where) : box.Area;
            bool crowd = e.TryGetProperty("iscrowd", out var c) && c.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                JsonValueKind.Number => c.GetDouble() != 0,
                _ => throw Error(path, $"{where}: 'iscrowd' must be 0, 1 or a boolean, found {Kind(c)}"),
            };
            annotations.Add(new CocoAnnotation(Long(path, e, "id", where), Long(path, e, "image_id", where),
                (int)Long(path, e, "category_id", where), box, area, crowd));
        }
        return new CocoDataset(images, categories, annotations);
    }

    /// <summary>Reads a COCO results list: a JSON array of <c>{image_id, category_id, bbox, score}</c>.</summary>
    /// <exception cref="FoveaException">The file is missing, is not JSON, or an entry lacks a field.</exception>
    public static IReadOnlyList<CocoDetection> ReadDetections(string path)
    {
        using var doc = Open(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
            throw Error(path, $"a COCO results file is a JSON array of detections, found {Kind(root)}");
        var list = new List<CocoDetection>(root.GetArrayLength());
        int i = 0;
        foreach (var e in root.EnumerateArray())
        {
            string where = $"detection [{i++}]";
            if (e.ValueKind != JsonValueKind.Object)
                throw Error(path, $"{where} must be a JSON object, found {Kind(e)}");
            list.Add(new CocoDetection(Long(path, e, "image_id", where), (int)Long(path, e, "category_id", where),
                Box(path, e, where), Number(path, e, "score", where)));
        }
        return list;
    }

    /// <summary>Writes a COCO ground-truth file (indented JSON).</summary>
    public static void WriteDataset(CocoDataset dataset, string path)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartArray("images");
        foreach (var image in dataset.Images)
        {
            w.WriteStartObject();
            w.WriteNumber("id", image.Id);
            w.WriteString("file_name", image.FileName);
            w.WriteNumber("width", image.Width);
            w.WriteNumber("height", image.Height);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("categories");
        foreach (var c in dataset.Categories)
        {
            w.WriteStartObject();
            w.WriteNumber("id", c.Id);
            w.WriteString("name", c.Name);
            if (c.Supercategory is not null)
                w.WriteString("supercategory", c.Supercategory);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("annotations");
        foreach (var a in dataset.Annotations)
        {
            w.WriteStartObject();
            w.WriteNumber("id", a.Id);
            w.WriteNumber("image_id", a.ImageId);
            w.WriteNumber("category_id", a.CategoryId);
            WriteBox(w, a.Box);
            w.WriteNumber("area", a.Area);
            w.WriteNumber("iscrowd", a.IsCrowd ? 1 : 0);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Writes a COCO results list.</summary>
    public static void WriteDetections(IEnumerable<CocoDetection> detections, string path)
    {
        ArgumentNullException.ThrowIfNull(detections);
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartArray();
        foreach (var d in detections)
        {
            w.WriteStartObject();
            w.WriteNumber("image_id", d.ImageId);
            w.WriteNumber("category_id", d.CategoryId);
            WriteBox(w, d.Box);
            w.WriteNumber("score", d.Score);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteBox(Utf8JsonWriter w, CocoBox box)
    {
        w.WriteStartArray("bbox");
        w.WriteNumberValue(box.X);
        w.WriteNumberValue(box.Y);
        w.WriteNumberValue(box.Width);
        w.WriteNumberValue(box.Height);
        w.WriteEndArray();
    }

    private static JsonDocument Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new FoveaException($"{path}: file not found");
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw Error(path, $"not valid JSON ({e.Message})");
        }
    }

    private static IEnumerable<(JsonElement Item, string Where)> Items(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
            yield break;
        if (list.ValueKind != JsonValueKind.Array)
            throw Error(path, $"'{name}' must be a JSON array, found {Kind(list)}");
        int i = 0;
        foreach (var e in list.EnumerateArray())
        {
            string where = $"{name}[{i++}]";
            if (e.ValueKind != JsonValueKind.Object)
                throw Error(path, $"{where} must be a JSON object, found {Kind(e)}");
            yield return (e, where);
        }
    }

    private static CocoBox Box(string path, JsonElement e, string where)
    {
        if (!e.TryGetProperty("bbox", out var b) || b.ValueKind != JsonValueKind.Array || b.GetArrayLength() != 4
            || b.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
            throw Error(path, $"{where}: 'bbox' must be 4 numbers [x, y, width, height]");
        return new CocoBox(b[0].GetDouble(), b[1].GetDouble(), b[2].GetDouble(), b[3].GetDouble());
    }

    private static double Number(string path, JsonElement e, string name, string where)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number)
            throw Error(path, $"{where}: '{name}' must be a number");
        return v.GetDouble();
    }

    private static long Long(string path, JsonElement e, string name, string where)
    {
        if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt64(out long n))
                return n;
            double d = v.GetDouble();
            if (d == Math.Floor(d) && Math.Abs(d) < 9e15)
                return (long)d;
        }
        throw Error(path, $"{where}: '{name}' must be an integer");
    }

    private static string? OptionalString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();

    private static FoveaException Error(string path, string message) => new($"{path}: {message}");
}
