namespace SegHeads.Training;

/// <summary>The learning rate as a pure function of the step, so a resumed run continues exactly.</summary>
public static class LearningRateSchedule
{
    /// <summary>The learning rate at 0-based <paramref name="step"/> of <paramref name="totalSteps"/>.</summary>
    /// <param name="options">Base rate, schedule and warm-up.</param>
    /// <param name="step">Step about to be taken.</param>
    /// <param name="totalSteps">Total steps of the run.</param>
    public static double At(TrainerOptions options, long step, long totalSteps)
    {
        ArgumentNullException.ThrowIfNull(options);
        double lr = options.LearningRate;
        if (step < options.WarmupSteps)
        {
            // Linear warm-up from lr / warmup to lr, so the first step already moves.
            return lr * (step + 1) / options.WarmupSteps;
        }

        long after = step - options.WarmupSteps;
        long span = Math.Max(1, totalSteps - options.WarmupSteps);
        return options.Schedule switch
        {
            ScheduleKind.Step => lr * Math.Pow(options.StepGamma, after / options.StepSize),
            ScheduleKind.Cosine => options.MinLearningRate
                + (0.5 * (lr - options.MinLearningRate) * (1 + Math.Cos(Math.PI * Math.Min(after, span) / span))),
            _ => lr,
        };
    }
}
