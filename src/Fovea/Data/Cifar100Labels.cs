namespace Fovea.Data;

/// <summary>Which of CIFAR-100's two labels a dataset uses (Keras' <c>label_mode</c>).</summary>
public enum Cifar100Labels
{
    /// <summary>The 100 classes (apple, aquarium_fish, ..., worm).</summary>
    Fine,

    /// <summary>The 20 superclasses (aquatic_mammals, fish, ..., vehicles_2).</summary>
    Coarse,
}
