namespace SegHeads.Imaging.Decoding;

/// <summary>A decoded image (8-bit, interleaved H × W × C) and mask (8-bit values, H × W).</summary>
internal sealed record DecodedSample(byte[] Pixels, byte[] Labels, int Height, int Width, int Channels);
