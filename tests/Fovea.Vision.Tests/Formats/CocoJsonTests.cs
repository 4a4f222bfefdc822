using Fovea.Vision.Formats;
using Xunit;

namespace Fovea.Vision.Tests.Formats;

/// <summary>COCO JSON: round trips, a pycocotools case file, and errors that name the file.</summary>
public sealed class CocoJsonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-coco-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WriteDataset_ThenRead_SameDataset()
    {
        var data = new CocoDataset(
            [new CocoImage(1, "a.png", 320, 240), new CocoImage(900100259690, "b.png", 64, 48)],
            [new CocoCategory(1, "shirt", "clothing"), new CocoCategory(7, "bag")],
            [
                new CocoAnnotation(1, 1, 1, new CocoBox(0.1 + 0.2, 1e-7, 12.5, 1.0 / 3.0), 11.25),
                new CocoAnnotation(900100581904, 900100259690, 7, new CocoBox(3, 4, 5, 6), 30, IsCrowd: true),
            ]);
        string path = Path.Combine(_dir, "gt.json");
        CocoJson.WriteDataset(data, path);
        var back = CocoJson.ReadDataset(path);
        Assert.Equal(data.Images, back.Images);
        Assert.Equal(data.Categories, back.Categories);
        Assert.Equal(data.Annotations, back.Annotations); // doubles bit-exact: shortest round-trip form
    }

    [Fact]
    public void WriteDetections_ThenRead_SameDetections()
    {
        CocoDetection[] dets =
            [new(1, 3, new CocoBox(1.5, 2.25, 3, 4), 0.123456789012345), new(2, 1, new(0, 0, 1, 1), 1)];
        string path = Path.Combine(_dir, "dt.json");
        CocoJson.WriteDetections(dets, path);
        Assert.Equal(dets, CocoJson.ReadDetections(path));
    }

    [Fact]
    public void ReadDataset_PycocotoolsCase_ListsEveryEntry()
    {
        // case_00 as pycocotools loads it: 6 images, 3 categories, 35 annotations; the first annotation verbatim.
        var gt = CocoJson.ReadDataset(Path.Combine(AppContext.BaseDirectory, "coco-eval", "case_00", "gt.json"));
        Assert.Equal(6, gt.Images.Count);
        Assert.Equal(3, gt.Categories.Count);
        Assert.Equal(35, gt.Annotations.Count);
        Assert.Equal(new CocoAnnotation(1, 1, 1, new CocoBox(160.21, 469.25, 12.11, 15.84), 191.822),
            gt.Annotations[0]);
        Assert.Equal(new CocoImage(2, "", 84, 147), gt.Images[1]);
    }

    [Fact]
    public void ReadDataset_MissingAreaAndCrowd_CocoDefaults()
    {
        string path = Path.Combine(_dir, "min.json");
        File.WriteAllText(path, """{"images": [{"id": 1}], "categories": [{"id": 2, "name": "x"}],""" +
            """ "annotations": [{"id": 5, "image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4]}]}""");
        var a = CocoJson.ReadDataset(path).Annotations[0];
        Assert.Equal(12, a.Area);
        Assert.False(a.IsCrowd);
    }

    [Theory]
    [InlineData("{\"images\": [", "not valid JSON")]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("{\"annotations\": [{\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"bbox\": [1, 2, 3]}]}",
        "annotations[0]: 'bbox' must be 4 numbers")]
    [InlineData("{\"images\": [{\"file_name\": \"a.png\"}]}", "images[0]: 'id' must be an integer")]
    public void ReadDataset_Malformed_ErrorNamesFileAndEntry(string json, string message)
    {
        string path = Path.Combine(_dir, "bad-gt.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<FoveaException>(() => CocoJson.ReadDataset(path));
        Assert.Contains("bad-gt.json", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ReadDetections_MissingScore_ErrorNamesFileAndEntry()
    {
        string path = Path.Combine(_dir, "bad-dt.json");
        File.WriteAllText(path, """[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}]""");
        var e = Assert.Throws<FoveaException>(() => CocoJson.ReadDetections(path));
        Assert.Contains("bad-dt.json", e.Message);
        Assert.Contains("detection [0]: 'score'", e.Message);
    }

    [Fact]
    public void Read_MissingFile_ErrorNamesFile()
    {
        var e = Assert.Throws<FoveaException>(() => CocoJson.ReadDataset(Path.Combine(_dir, "nothing.json")));
        Assert.Contains("nothing.json", e.Message);
    }
}
