namespace Fovea.Kernels;

/// <summary>Elementwise two-input functions beyond +, −, ×, ÷ (see <see cref="BinaryKernels"/>).</summary>
internal enum BinaryKind
{
    Pow,
    Max,
    Min,
    Mod,
    FMod,
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
    Xor,
}
