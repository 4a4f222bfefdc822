namespace Fovea.Explain;

/// <summary>
/// Superpixel features of one image [C, H, W] for LIME and KernelSHAP: a labelling of its pixels and the image with
/// chosen superpixels hidden (set to each superpixel's mean colour, LIME's default, or to a fixed value).
/// </summary>
internal sealed class Superpixels
{
    private readonly float[] _image;
    private readonly int[] _labels;
    private readonly float[] _hidden;
    private readonly int _channels;
    private readonly int _plane;

    public Superpixels(float[] image, int channels, int height, int width, int[] labels, float? hideValue)
    {
        _image = image;
        _labels = labels;
        _channels = channels;
        _plane = height * width;
        Count = Slic.Count(labels);
        _hidden = new float[image.Length];
        if (hideValue is float v)
        {
            Array.Fill(_hidden, v);
            return;
        }
        var sums = new double[Count, channels];
        var counts = new int[Count];
        for (int p = 0; p < _plane; p++)
        {
            counts[labels[p]]++;
            for (int c = 0; c < channels; c++)
                sums[labels[p], c] += image[c * _plane + p];
        }
        for (int p = 0; p < _plane; p++)
        {
            for (int c = 0; c < channels; c++)
                _hidden[c * _plane + p] = (float)(sums[labels[p], c] / counts[labels[p]]);
        }
    }

    /// <summary>Number of superpixels (features).</summary>
    public int Count { get; }

    public int[] Labels => _labels;

    /// <summary>Writes the image with superpixel s kept where <paramref name="keep"/>[s], hidden elsewhere.</summary>
    public void Render(bool[] keep, Span<float> destination)
    {
        for (int c = 0; c < _channels; c++)
        {
            for (int p = 0; p < _plane; p++)
            {
                int i = c * _plane + p;
                destination[i] = keep[_labels[p]] ? _image[i] : _hidden[i];
            }
        }
    }

    /// <summary>Per-pixel map [H·W] of per-superpixel values.</summary>
    public float[] Paint(IReadOnlyList<double> values)
    {
        var map = new float[_plane];
        for (int p = 0; p < _plane; p++)
            map[p] = (float)values[_labels[p]];
        return map;
    }
}
