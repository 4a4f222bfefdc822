using Fovea.Vision.Formats;
using Xunit;

namespace Fovea.Vision.Tests.Formats;

/// <summary>Pascal VOC XML: round trip, a file written by Python's ElementTree, and errors that name the file.
/// </summary>
public sealed class VocXmlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-voc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_ThenRead_SameAnnotation()
    {
        var a = new VocAnnotation("000005.jpg", 500, 375, 3,
        [
            new VocObject("chair", 263, 211, 324, 339, Difficult: false, Truncated: true, Pose: "Rear"),
            new VocObject("chair", 5.5, 244.25, 67, 374, Difficult: true),
        ]);
        string path = Path.Combine(_dir, "000005.xml");
        VocXml.Write(a, path);
        var back = VocXml.Read(path);
        Assert.Equal(a with { Objects = [] }, back with { Objects = [] });
        Assert.Equal(a.Objects, back.Objects);
    }

    [Fact]
    public void Read_FileWrittenByElementTree_Values()
    {
        // tests/data/voc-eval/case_00/Annotations/img000.xml, written by tools/golden/make_voc_golden.py.
        var a = VocXml.Read(Path.Combine(AppContext.BaseDirectory, "voc-eval", "case_00", "Annotations", "img000.xml"));
        Assert.Equal(("img000.jpg", 155, 199, 3), (a.FileName, a.Width, a.Height, a.Depth));
        Assert.Equal(6, a.Objects.Count);
        Assert.Equal(new VocObject("cat", 71, 78, 106, 89, Difficult: true, Truncated: true), a.Objects[0]);
    }

    [Theory]
    [InlineData("<annotation><object>", "not valid XML")]
    [InlineData("<image/>", "<annotation>")]
    [InlineData("<annotation><object><name>cat</name></object></annotation>", "object [0] (cat) has no <bndbox>")]
    [InlineData("<annotation><object><name>cat</name><bndbox><xmin>a</xmin></bndbox></object></annotation>",
        "<xmin> must be a number")]
    public void Read_Malformed_ErrorNamesFile(string xml, string message)
    {
        string path = Path.Combine(_dir, "broken.xml");
        File.WriteAllText(path, xml);
        var e = Assert.Throws<FoveaException>(() => VocXml.Read(path));
        Assert.Contains("broken.xml", e.Message);
        Assert.Contains(message, e.Message);
    }
}
