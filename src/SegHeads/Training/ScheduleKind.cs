namespace SegHeads.Training;

/// <summary>The learning-rate schedule after warm-up.</summary>
public enum ScheduleKind
{
    /// <summary>The base rate throughout.</summary>
    Constant,

    /// <summary>Multiplied by <see cref="TrainerOptions.StepGamma"/> every <see cref="TrainerOptions.StepSize"/> steps.</summary>
    Step,

    /// <summary>Cosine decay from the base rate to <see cref="TrainerOptions.MinLearningRate"/> at the last step.</summary>
    Cosine,
}
