using Archive.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Signing;
using Signing.Signers;

namespace Archive.Api.Infrastructure.Signing;

/// <summary>
/// Signing failures as problem+json. A timestamp or revocation answer that cannot be had is the upstream's fault
/// (503, retry later); an unusable organization identity is the operator's (503); a file the signer cannot
/// update is the content's (422). Messages name certificates and URLs, never keys or passwords.
/// </summary>
public static class SigningProblems
{
    public static bool IsSigningFailure(Exception e) =>
        e is SigningException or SignerConfigurationException or System.Security.Cryptography.CryptographicException
            or IOException or UnauthorizedAccessException;

    public static ProblemHttpResult From(Exception e, HttpContext http)
    {
        switch (e)
        {
            case TimestampUnavailableException:
                http.Response.Headers.RetryAfter = "60";
                return ApiProblems.Result(503, new Text("Không lấy được dấu thời gian", "Timestamp authority unavailable"),
                    new Text($"Không ký được vì máy chủ cấp dấu thời gian không trả lời được; không có gì được lưu. {e.Message}",
                        $"Signing failed because the timestamp authority could not answer; nothing was stored. {e.Message}"), "tsa-unavailable");
            case RevocationException:
                http.Response.Headers.RetryAfter = "60";
                return ApiProblems.Result(503, new Text("Không kiểm tra được tình trạng thu hồi", "Revocation status unavailable"),
                    new Text($"Không ký được vì không có thông tin thu hồi chứng thư số; không có gì được lưu. {e.Message}",
                        $"Signing failed because certificate revocation information could not be had; nothing was stored. {e.Message}"),
                    "revocation-unavailable");
            case CertificateNotUsableException or SignerConfigurationException or System.Security.Cryptography.CryptographicException or IOException
                or UnauthorizedAccessException:
                return ApiProblems.Result(503, new Text("Chứng thư ký số của cơ quan không dùng được", "Organization signing identity unusable"),
                    new Text($"Không ký được; không có gì được lưu. {e.Message}", $"Signing failed; nothing was stored. {e.Message}"),
                    "signing-identity-unusable");
            default:
                return ApiProblems.Result(422, ApiProblems.TitleFor(422),
                    new Text($"Không ký được tệp này; không có gì được lưu. {e.Message}", $"This file cannot be signed; nothing was stored. {e.Message}"),
                    "content-not-signable");
        }
    }
}
