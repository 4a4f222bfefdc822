using System.Text.RegularExpressions;
using Fovea.Data;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Reports;
using Fovea.Tensors;
using Fovea.Training;
using SkiaSharp;
using Xunit;

namespace Fovea.Tests.Reports;

public sealed class HtmlReportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Save_WritesCurvesConfusionMatrixPerClassAndConfusedImages()
    {
        var rng = new Rng(1);
        var x = Tensor.RandomNormal([60, 1, 6, 6], rng);
        var y = Tensor.Zeros([60]);
        for (int i = 0; i < 60; i++)
            y[i] = i % 3;
        var data = new Dataset(x, y, ["cat", "dog", "bird & fish"]);
        var model = new Sequential([new Flatten(), new Dense(3, Activations.Softmax)], seed: 2, inputShape: [1, 6, 6]);
        model.Compile(new Sgd(0.05), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        var history = model.Fit(data, epochs: 2, batchSize: 20, validationSplit: 0.2, verbose: 0);
        string path = Path.Combine(_dir, "report.html");
        HtmlReport.Save(path, model, data, history, confusedImages: 5);
        string html = File.ReadAllText(path);

        Assert.Contains("<h2>Training curves</h2>", html);
        Assert.Contains("<h2>Confusion matrix</h2>", html);
        Assert.Contains("<h2>Per-class accuracy</h2>", html);
        Assert.Contains("<h2>Most confused test images</h2>", html);
        Assert.Contains("bird &amp; fish", html);               // class names are HTML-encoded
        Assert.Equal(3 * 3, Regex.Matches(html, "<td style=").Count); // a 3×3 matrix
        var matrixTotal = Regex.Matches(html, "<td style=\"[^\"]*\">(\\d+)</td>").Sum(m => int.Parse(m.Groups[1].Value));
        Assert.Equal(60, matrixTotal);
        var images = Regex.Matches(html, "data:image/png;base64,([A-Za-z0-9+/=]+)");
        Assert.InRange(images.Count, 2, 6);                      // the curves and up to 5 confused images
        foreach (Match m in images)
        {
            using var bitmap = SKBitmap.Decode(Convert.FromBase64String(m.Groups[1].Value));
            Assert.NotNull(bitmap);
            Assert.True(bitmap.Width > 10 && bitmap.Height > 10);
        }
    }
}
