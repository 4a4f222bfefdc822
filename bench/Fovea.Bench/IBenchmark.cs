namespace Fovea.Bench;

/// <summary>One named benchmark of the runner (B1_sgemm, B2_train, ...): measures and reports through
/// <see cref="BenchReport"/>.</summary>
internal interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    void Run(BenchReport report);
}
