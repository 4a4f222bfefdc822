using Fovea.Data;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Onnx;
using Fovea.Tensors;
using Fovea.Tests.Onnx;
using Fovea.Training;
using Xunit;

namespace Fovea.Tests.Models;

/// <summary>
/// TransferLearning on the tiny two-stage ONNX backbone of <see cref="OnnxModelBuilder.TinyBackbone"/> (c1-bn1-r1 at
/// 16×16, c2-bn2-r2 at 8×8, global pooling): the cut, the stages, what stays fixed while the head trains and what
/// changes once the last stage is unfrozen.
/// </summary>
public sealed class TransferLearningTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fovea-transfer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteBackbone()
    {
        string path = Path.Combine(_dir, "tiny.onnx");
        File.WriteAllBytes(path, OnnxModelBuilder.TinyBackbone().Bytes());
        return path;
    }

    /// <summary>Three classes told apart by which colour channel is brighter, on noise: [n, 3, 16, 16].</summary>
    internal static Dataset ColourClasses(int n, int seed)
    {
        var rng = new Rng(seed);
        var x = Tensor.RandomUniform([n, 3, 16, 16], rng, 0f, 0.5f);
        var y = Tensor.Zeros([n]);
        var s = x.AsSpan();
        for (int i = 0; i < n; i++)
        {
            int label = i % 3;
            y[i] = label;
            foreach (ref float v in s.Slice((i * 3 + label) * 256, 256))
                v += 0.5f;
        }
        return new Dataset(x, y);
    }

    private static Dictionary<string, float[]> Snapshot(Model m) =>
        m.NamedWeights().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    private static void Compile(Model m, double lr) =>
        m.Compile(new Adam(lr), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);

    [Fact]
    public void LoadBase_CutsBeforeGlobalPooling_AndFindsTwoStages()
    {
        var baseModel = TransferLearning.LoadBase(WriteBackbone());
        Assert.Equal("r2", baseModel.Outputs[0].Layer!.Name);
        Assert.Equal(new Shape(8, 8, 8), baseModel.Outputs[0].Shape);
        Assert.DoesNotContain(baseModel.Layers, l => l.Name == "gap");
        var stages = baseModel.Stages();
        Assert.Equal(["c1", "bn1", "r1"], stages[0].Select(l => l.Name));
        Assert.Equal(["c2", "bn2", "r2"], stages[1].Select(l => l.Name));
    }

    /// <summary>
    /// The package's ResNet-18 (CNTK names) at 64×64: cut before its fixed 7×7 average pooling at ReLU393
    /// [512, 2, 2]; stem, four stages; the last one is the 512-channel stage (three blocks in this export: seven
    /// convolutions with the strided 1×1 shortcut), the layers from Convolution349 on.
    /// </summary>
    [Fact]
    public void LoadBase_PretrainedResNet18At64_LastStageIsThe512ChannelStage()
    {
        var baseModel = TransferLearning.LoadBase(Onnx.ResNet18ImportTests.ModelPath, imageSize: 64);
        Assert.Equal("ReLU393", baseModel.Outputs[0].Layer!.Name);
        Assert.Equal(new Shape(512, 2, 2), baseModel.Outputs[0].Shape);
        var stages = baseModel.Stages();
        Assert.Equal(5, stages.Count);
        var last = stages[^1];
        Assert.Equal(baseModel.LayersFrom("Convolution349"), last);
        Assert.Equal(23, last.Count);
        var convs = last.OfType<Conv2D>().ToList();
        Assert.Equal(7, convs.Count);
        Assert.All(convs, c => Assert.Equal(512, c.Filters));
        Assert.All(stages.Take(4).SelectMany(s => s).OfType<Conv2D>(), c => Assert.True(c.Filters < 512));
    }

    [Fact]
    public void LoadBase_OtherImageSize_RunsThere()
    {
        var baseModel = TransferLearning.LoadBase(WriteBackbone(), imageSize: 24);
        Assert.Equal(new Shape(3, 24, 24), baseModel.Inputs[0].Shape);
        Assert.Equal(new Shape(2, 8, 12, 12), baseModel.Predict(Tensor.Zeros([2, 3, 24, 24])).Shape);
    }

    [Fact]
    public void LoadBase_MissingOrCorruptFile_FoveaExceptionNamingTheFile()
    {
        var missing = Assert.Throws<FoveaException>(() => TransferLearning.LoadBase(Path.Combine(_dir, "no.onnx")));
        Assert.Contains("no.onnx", missing.Message);
        string corrupt = Path.Combine(_dir, "corrupt.onnx");
        File.WriteAllBytes(corrupt, OnnxModelBuilder.TinyBackbone().Bytes()[..200]);
        var e = Assert.Throws<FoveaException>(() => TransferLearning.LoadBase(corrupt));
        Assert.Contains("corrupt.onnx", e.Message);
    }

    [Fact]
    public void HeadTraining_LeavesFrozenBaseUnchanged_FineTuningChangesOnlyTheLastStage()
    {
        var baseModel = TransferLearning.LoadBase(WriteBackbone());
        baseModel.Trainable = false;
        var model = TransferLearning.Classifier(baseModel, classes: 3, dropout: 0.1);
        var train = ColourClasses(96, 1);
        var before = Snapshot(baseModel);
        var headBefore = model.GetLayer("head").Weights[0].ToArray();

        Compile(model, 1e-2);
        model.Fit(train, epochs: 3, batchSize: 16, verbose: 0);

        foreach (var (name, w) in Snapshot(baseModel))
            Assert.True(before[name].SequenceEqual(w), $"{name} changed while the base was frozen");
        Assert.NotEqual(headBefore, model.GetLayer("head").Weights[0].ToArray());

        var unfrozen = TransferLearning.UnfreezeLastStages(baseModel);
        Assert.Equal(["c2", "bn2", "r2"], unfrozen.Select(l => l.Name));
        Compile(model, 1e-3);
        model.Fit(train, epochs: 2, batchSize: 16, verbose: 0);

        // The base runs in inference mode (baseTraining: false): no moving statistic changes, and of the weights
        // only the unfrozen stage's kernel, γ and β do.
        var changed = Snapshot(baseModel).Where(kv => !before[kv.Key].SequenceEqual(kv.Value)).Select(kv => kv.Key);
        Assert.Equal(["bn2.beta", "bn2.gamma", "c2.kernel"], changed.Order());
        Assert.Equal(["bn1.batches_tracked", "bn1.beta", "bn1.gamma", "bn1.moving_mean", "bn1.moving_variance",
            "bn2.batches_tracked", "bn2.beta", "bn2.gamma", "bn2.moving_mean", "bn2.moving_variance", "c1.kernel",
            "c2.kernel"], before.Keys.Order());
        Assert.True(model.Evaluate(ColourClasses(60, 2)).Accuracy > 0.6,
            "three colour classes: far above the chance level 1/3");
    }

    [Fact]
    public void BaseFollowingTheModel_FrozenBatchNormKeepsStatistics_UnfrozenOneUpdatesThem()
    {
        var baseModel = TransferLearning.LoadBase(WriteBackbone());
        baseModel.Trainable = false;
        var model = TransferLearning.Classifier(baseModel, classes: 3, baseTraining: null);
        var train = ColourClasses(64, 3);
        var bn1 = (BatchNormalization)baseModel.GetLayer("bn1");
        var bn2 = (BatchNormalization)baseModel.GetLayer("bn2");
        var (mean1, mean2) = (bn1.MovingMean.ToArray(), bn2.MovingMean.ToArray());

        Compile(model, 1e-2);
        model.Fit(train, epochs: 2, batchSize: 16, verbose: 0);
        Assert.Equal(mean1, bn1.MovingMean.ToArray());
        Assert.Equal(mean2, bn2.MovingMean.ToArray());

        TransferLearning.UnfreezeLastStages(baseModel);
        Compile(model, 1e-3);
        model.Fit(train, epochs: 1, batchSize: 16, verbose: 0);
        Assert.Equal(mean1, bn1.MovingMean.ToArray());      // still frozen: inference mode
        Assert.NotEqual(mean2, bn2.MovingMean.ToArray());   // unfrozen, in training mode: batch statistics
    }

    [Fact]
    public void CloneArchitecture_SameGraphFreshWeights()
    {
        var baseModel = TransferLearning.LoadBase(WriteBackbone());
        var fresh = baseModel.CloneArchitecture(seed: 4);
        Assert.Equal(baseModel.Layers.Select(l => (l.Name, l.TypeName)),
            fresh.Layers.Select(l => (l.Name, l.TypeName)));
        var original = baseModel.NamedWeights().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var cloned = fresh.NamedWeights().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        Assert.Equal(original.Keys.Order(), cloned.Keys.Order());
        Assert.NotEqual(original["c1.kernel"], cloned["c1.kernel"]);
        // He normal: std √(2 / fan-in); the sample std of 216 and 576 values lies within 5% and 3% (one standard
        // error), so 20% is about four to seven standard errors.
        foreach (var (name, fanIn) in new[] { ("c1.kernel", 27), ("c2.kernel", 72) })
        {
            double std = Math.Sqrt(cloned[name].Average(v => (double)v * v));
            Assert.InRange(std / Math.Sqrt(2.0 / fanIn), 0.8, 1.2);
        }
        Assert.Equal(Enumerable.Repeat(1f, 8), cloned["bn1.gamma"]);   // BatchNormalization starts at γ = 1
        Assert.Equal(Enumerable.Repeat(1f, 8), cloned["bn2.moving_variance"]);
        Assert.Equal(cloned["c1.kernel"], baseModel.CloneArchitecture(seed: 4).NamedWeights()[0].Value.ToArray());
        var x = Tensor.RandomNormal([2, 3, 16, 16], new Rng(1));
        Assert.Equal(new Shape(2, 8, 8, 8), fresh.Predict(x).Shape);
    }

    [Fact]
    public void SavedClassifier_LoadsWithTheSameFrozenAndUnfrozenLayers()
    {
        var baseModel = TransferLearning.LoadBase(WriteBackbone());
        baseModel.Trainable = false;
        var model = TransferLearning.Classifier(baseModel, classes: 3);
        TransferLearning.UnfreezeLastStages(baseModel);
        model.Save(Path.Combine(_dir, "saved"));
        var loaded = Model.Load(Path.Combine(_dir, "saved"));
        var loadedBase = (Model)loaded.Layers.Single(l => l is Model);
        Assert.Equal(baseModel.Layers.Select(l => (l.Name, l.Trainable)), loadedBase.Layers.Select(l => (l.Name,
            l.Trainable)));
        Assert.Equal([false, false, false, true, true, true], loadedBase.Layers.Select(l => l.Trainable));
        Assert.Equal(model.TrainableWeights.Sum(w => w.Length), loaded.TrainableWeights.Sum(w => w.Length));
    }

    [Fact]
    public void CloneArchitecture_BatchNormMomentum_ReachesNestedModels()
    {
        var baseModel = TransferLearning.LoadBase(WriteBackbone());
        Assert.All(baseModel.Layers.OfType<BatchNormalization>(), bn => Assert.Equal(0.9f, bn.Momentum));   // ONNX
        var classifier = TransferLearning.Classifier(baseModel, classes: 3);
        var clone = classifier.CloneArchitecture(seed: 2, batchNormMomentum: 0.5f);
        var norms = ((Model)clone.Layers.Single(l => l is Model)).Layers.OfType<BatchNormalization>().ToList();
        Assert.Equal(2, norms.Count);
        Assert.All(norms, bn => Assert.Equal(0.5f, bn.Momentum));
        Assert.Throws<ArgumentOutOfRangeException>(() => baseModel.CloneArchitecture(batchNormMomentum: 1.5f));
    }
}
