using Fovea.Examples.Detection;
using Xunit;

namespace Fovea.Tests.Examples;

/// <summary>examples/Detection (the walkthrough's single-stage detector): on 8 generated images at 64 px the loss of
/// the last of 3 epochs is below the first's, and the COCO numbers are valid.</summary>
public sealed class DetectionExampleTests
{
    [Fact]
    public void Run_TinyGeneratedDataset_LossFallsAndMapIsValid()
    {
        string folder = Directory.CreateTempSubdirectory("fovea-detection-example-test-").FullName;
        try
        {
            var (first, last, map, map50) = DetectionExample.Run(folder, trainImages: 8, valImages: 2, imageSize: 64,
                epochs: 3, TextWriter.Null, batchSize: 4);
            Assert.True(last < first, $"loss {first} → {last}");
            Assert.InRange(map, 0, 1);
            Assert.InRange(map50, map, 1);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
