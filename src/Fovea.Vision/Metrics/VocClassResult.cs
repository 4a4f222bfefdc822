namespace Fovea.Vision.Metrics;

/// <summary>Pascal VOC evaluation of one class: its precision/recall curve and AP.</summary>
/// <param name="ClassName">The class.</param>
/// <param name="Positives">Ground-truth objects of the class that are not difficult (the recall denominator).
/// </param>
/// <param name="Recall">Recall after each detection, highest score first.</param>
/// <param name="Precision">Precision after each detection (detections matched to difficult objects count as
/// neither true nor false positives).</param>
/// <param name="AveragePrecision">AP by the chosen <see cref="VocApMetric"/>.</param>
public sealed record VocClassResult(string ClassName, int Positives, IReadOnlyList<double> Recall,
    IReadOnlyList<double> Precision, double AveragePrecision);
