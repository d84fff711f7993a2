using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Dynamics;

/// <summary>
/// Real powers <c>A^p = Q diag(λ^p) Qᵀ</c> of one positive semidefinite matrix from a single symmetric
/// eigendecomposition. Tensors belong to the caller's dispose scope.
/// </summary>
internal sealed class SymmetricPower
{
    private readonly Tensor eigenvalues;
    private readonly Tensor eigenvectors;
    private readonly long size;

    public SymmetricPower(Tensor symmetric)
    {
        size = symmetric.shape[0];
        (eigenvalues, eigenvectors) = linalg.eigh(symmetric);

        // NOTE: a Gram matrix is PSD, but rounding leaves tiny negative eigenvalues whose fractional powers are NaN.
        using Scalar zero = 0.ToScalar();
        eigenvalues = eigenvalues.clamp_min(zero);
    }

    public Tensor Power(double exponent)
    {
        // A^0 = I exactly (also on the null space), so depth 1 is plain gradient descent to the last bit.
        if (exponent == 0)
        {
            return eye(size, dtype: eigenvectors.dtype, device: eigenvectors.device);
        }

        using Scalar power = exponent.ToScalar();
        return (eigenvectors * eigenvalues.pow(power).unsqueeze(0)).matmul(eigenvectors.T);
    }
}
