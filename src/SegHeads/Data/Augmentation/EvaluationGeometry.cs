namespace SegHeads.Data.Augmentation;

/// <summary>How the deterministic evaluation path brings a sample to the output size.</summary>
public enum EvaluationGeometry
{
    /// <summary>Resize to the output size (bilinear for the image, nearest for the mask); the aspect ratio may change.</summary>
    Resize,

    /// <summary>No resampling: crop the centre where the sample is larger, pad (0 image, ignore-index mask) around it where smaller.</summary>
    CenterCropOrPad,
}
