using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx;
using Fovea.Onnx.Protobuf;
using Fovea.Tensors;
using Xunit;

namespace Fovea.Tests.Onnx;

/// <summary>
/// BatchNormalization's batch count (<see cref="BatchNormalization.BatchesTracked"/>) stays out of ONNX: the export
/// carries the moving statistics as they are (already free of start-up bias), and an import takes the file's
/// statistics as warmed up, so fine-tuning moves them with the momentum instead of replacing them.
/// </summary>
public sealed class OnnxBatchNormStatisticsTests
{
    [Fact]
    public void Import_StatisticsAreWarmedUp()
    {
        var model = OnnxImporter.Load(OnnxModelBuilder.SmallCnn().Bytes(), "cnn.onnx");
        var bn = (BatchNormalization)model.GetLayer("bn");
        Assert.Equal(BatchNormalization.WarmedUpCount, bn.BatchesTracked[0]);
        Assert.Equal(0.9f, bn.EffectiveMomentum);
        // One training batch moves the file's mean by (1 − 0.9)·(batch mean − file's mean), not to the batch mean.
        float fileMean = bn.MovingMean[0];
        var x = Tensor.RandomNormal([4, 4, 8, 8], new Rng(3));
        bn.Call(x, training: true);
        var xs = x.AsReadOnlySpan();
        double batchMean = 0;
        for (int n = 0; n < 4; n++)
        {
            for (int i = 0; i < 64; i++)
                batchMean += xs[n * 256 + i];
        }
        batchMean /= 4 * 64;
        Assert.Equal(0.9 * fileMean + 0.1 * batchMean, bn.MovingMean[0], 5);
    }

    [Fact]
    public void Export_HasTheStatisticsButNotTheCount()
    {
        var model = new Sequential([new Conv2D(2, 3), new BatchNormalization(), new ReLU()], inputShape: [1, 5, 5]);
        model.Call(Tensor.RandomNormal([4, 1, 5, 5], new Rng(1)), training: true);
        var bn = (BatchNormalization)model.Layers[1];
        byte[] bytes = OnnxExporter.ToBytes(model);
        var proto = ModelProto.Parser.ParseFrom(bytes);
        Assert.Equal(5, proto.Graph.Node.Single(n => n.OpType == "BatchNormalization").Input.Count);
        Assert.DoesNotContain(proto.Graph.Initializer,
            t => t.Name.Contains("batches_tracked", StringComparison.Ordinal));
        var imported = OnnxImporter.Load(bytes, "bn.onnx").Layers.OfType<BatchNormalization>().Single();
        Assert.Equal(bn.MovingMean.ToArray(), imported.MovingMean.ToArray());
        Assert.Equal(bn.MovingVariance.ToArray(), imported.MovingVariance.ToArray());
    }
}
