using System.Globalization;
using System.Text;
using Fovea.Layers;

namespace Fovea.Models;

public partial class Model
{
    /// <summary>Prints the Keras-style summary table to <paramref name="writer"/> (the console by default).</summary>
    public void Summary(TextWriter? writer = null) => (writer ?? Console.Out).Write(SummaryText());

    /// <summary>
    /// A Keras-style table: each layer with its type, output shape (batch as None) and parameter count, then the
    /// totals split into trainable and non-trainable. The model must be built.
    /// </summary>
    public string SummaryText()
    {
        if (!Built)
            throw new FoveaException($"model '{Name}' is not built yet: call Build(sampleShape) or Fit first");
        const int W1 = 34, W2 = 26, W3 = 13;
        string rule = new('_', W1 + W2 + W3 + 2);
        string doubleRule = new('=', W1 + W2 + W3 + 2);
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(Name).Append("\"\n").Append(rule).Append('\n');
        sb.Append(' ').Append("Layer (type)".PadRight(W1)).Append("Output Shape".PadRight(W2)).Append("Param #".PadLeft(W3)).Append('\n');
        sb.Append(doubleRule).Append('\n');
        for (int i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            string label = $"{layer.Name} ({layer.TypeName})";
            sb.Append(' ').Append(Cell(label, W1)).Append(Cell(ShapeText(layer), W2))
              .Append(Count(layer.ParameterCount).PadLeft(W3)).Append('\n');
            if (i < Layers.Count - 1)
                sb.Append('\n');
        }
        sb.Append(doubleRule).Append('\n');
        long total = ParameterCount;
        long trainable = TrainableWeights.Sum(w => (long)w.Length);
        sb.Append("Total params: ").Append(Count(total)).Append(Bytes(total)).Append('\n');
        sb.Append("Trainable params: ").Append(Count(trainable)).Append(Bytes(trainable)).Append('\n');
        sb.Append("Non-trainable params: ").Append(Count(total - trainable)).Append(Bytes(total - trainable)).Append('\n');
        sb.Append(rule).Append('\n');
        return sb.ToString();
    }

    private static string ShapeText(Layer layer) =>
        layer.OutputShape is { } s ? "(None" + string.Concat(s.Skip(1).Select(d => ", " + d)) + ")" : "?";

    private static string Cell(string s, int width) => s.Length < width ? s.PadRight(width) : s[..(width - 2)] + "… ";

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Bytes(long n)
    {
        double b = n * 4.0;
        string size = b >= 1 << 20 ? $"{b / (1 << 20):F2} MB" : $"{b / 1024:F2} KB";
        return $" ({size})";
    }
}
