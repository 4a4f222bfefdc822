using Fovea.IO;
using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>
/// Logs training for TensorBoard (Keras <c>TensorBoard</c> callback): event files under <c>logDir/train</c> and
/// <c>logDir/validation</c> with the scalars epoch_loss, epoch_&lt;metric&gt; and epoch_learning_rate after every epoch,
/// histograms of every weight every <c>histogramFrequency</c> epochs (0: never), and images: <c>sampleImages</c>
/// ([N, C, H, W], written once) and the first convolution's filters every epoch when <c>writeImages</c>.
/// View with <c>tensorboard --logdir logDir</c>.
/// </summary>
public sealed class TensorBoard(string logDir, int histogramFrequency = 1, bool writeImages = true, Tensor? sampleImages = null)
    : Callback, IDisposable
{
    private TensorBoardWriter? _train, _validation;

    public string LogDir { get; } = logDir;

    public override void OnTrainBegin()
    {
        _train ??= new TensorBoardWriter(Path.Combine(LogDir, "train"));
        _validation ??= new TensorBoardWriter(Path.Combine(LogDir, "validation"));
        if (sampleImages is not null)
        {
            var (png, h, w) = ImageGrid.ToPng(sampleImages, scale: 2);
            _train.Image("samples", png, h, w, 3, 0);
        }
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var (key, value) in logs)
        {
            if (key.StartsWith("val_", StringComparison.Ordinal))
                _validation!.Scalar("epoch_" + key[4..], value, epoch);
            else
                _train!.Scalar("epoch_" + key, value, epoch);
        }
        if (histogramFrequency > 0 && epoch % histogramFrequency == 0)
        {
            foreach (var (name, w) in Model.NamedWeights())
                _train!.Histogram(name, w.AsReadOnlySpan(), epoch);
        }
        if (writeImages)
        {
            var kernel = Model.NamedWeights().Select(kv => kv.Value).FirstOrDefault(w => w.Rank == 4 && w.Shape[1] is 1 or 3);
            if (kernel is not null)
            {
                var (png, h, w) = ImageGrid.ToPng(kernel, columns: 8, scale: 8);
                _train!.Image("first_conv_filters", png, h, w, 3, epoch);
            }
        }
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => Dispose();

    public void Dispose()
    {
        _train?.Dispose();
        _validation?.Dispose();
        (_train, _validation) = (null, null);
    }
}
