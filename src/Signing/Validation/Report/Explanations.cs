namespace Signing.Validation;

/// <summary>Plain-language wording, in English and Vietnamese, for each outcome the validator can reach.</summary>
internal static class Explanations
{
    public static Explanation For(Indication indication, SubIndication sub, string detail)
    {
        var (en, vi) = (indication, sub) switch
        {
            (Indication.TOTAL_PASSED, _) => ("The signature is valid: the signed content is unchanged, the signer's certificate chains to a trusted authority and was not revoked at the proven signing time.",
                "Chữ ký hợp lệ: nội dung đã ký không bị thay đổi, chứng thư của người ký dẫn tới một tổ chức tin cậy và không bị thu hồi tại thời điểm ký đã được chứng minh."),
            (_, SubIndication.HASH_FAILURE) => ("The signed content was altered after signing: its fingerprint no longer matches the one the signer signed.",
                "Nội dung đã ký bị sửa đổi sau khi ký: dấu vân tay của nội dung không còn khớp với dấu vân tay mà người ký đã ký."),
            (_, SubIndication.SIG_CRYPTO_FAILURE) => ("The cryptographic signature does not verify with the signer's public key; the signature value is corrupt or forged.",
                "Chữ ký số không kiểm tra được bằng khóa công khai của người ký; giá trị chữ ký bị hỏng hoặc giả mạo."),
            (_, SubIndication.FORMAT_FAILURE) => ("The signature is malformed, so it cannot be checked at all.",
                "Chữ ký bị sai định dạng nên không thể kiểm tra được."),
            (_, SubIndication.REVOKED) => ("The signer's certificate had been revoked before the signature was made.",
                "Chứng thư của người ký đã bị thu hồi trước khi chữ ký được tạo."),
            (_, SubIndication.REVOKED_NO_POE) => ("The signer's certificate is revoked and nothing proves the signature was made before the revocation (no trusted timestamp).",
                "Chứng thư của người ký đã bị thu hồi và không có bằng chứng (dấu thời gian tin cậy) cho thấy chữ ký được tạo trước khi thu hồi."),
            (_, SubIndication.NO_CERTIFICATE_CHAIN_FOUND) => ("The signer's certificate does not lead to any trusted certification authority configured for this archive.",
                "Chứng thư của người ký không dẫn tới tổ chức chứng thực tin cậy nào được cấu hình cho kho lưu trữ này."),
            (_, SubIndication.NO_SIGNING_CERTIFICATE_FOUND) => ("The certificate that made the signature cannot be identified reliably (missing, or not the one named in the signed attributes).",
                "Không xác định được chắc chắn chứng thư đã tạo chữ ký (bị thiếu, hoặc không phải chứng thư được nêu trong các thuộc tính đã ký)."),
            (_, SubIndication.OUT_OF_BOUNDS_NO_POE) or (_, SubIndication.OUT_OF_BOUNDS_NOT_REVOKED) => ("The signer's certificate is expired (or not yet valid) now, and nothing proves the signature was made while it was valid.",
                "Chứng thư của người ký hiện đã hết hạn (hoặc chưa có hiệu lực) và không có bằng chứng chữ ký được tạo khi chứng thư còn hiệu lực."),
            (_, SubIndication.TRY_LATER) => ("No usable revocation information was available for the signer's certificate; the check can be repeated when it is.",
                "Không có thông tin thu hồi dùng được cho chứng thư của người ký; có thể kiểm tra lại khi có thông tin này."),
            (_, SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE) or (_, SubIndication.CRYPTO_CONSTRAINTS_FAILURE) => ("The signature uses an algorithm no longer considered secure (e.g. SHA-1 or a short RSA key), and nothing proves it was made before that cut-off.",
                "Chữ ký dùng thuật toán không còn được coi là an toàn (ví dụ SHA-1 hoặc khóa RSA ngắn) và không có bằng chứng chữ ký được tạo trước mốc ngừng chấp nhận."),
            (_, SubIndication.CHAIN_CONSTRAINTS_FAILURE) => ("The signer's certificate is not meant for signing documents, or a certificate in its chain was not valid.",
                "Chứng thư của người ký không dành cho việc ký tài liệu, hoặc một chứng thư trong chuỗi không hợp lệ."),
            (_, SubIndication.SIG_CONSTRAINTS_FAILURE) => ("The signature itself may be intact, but the document or signature breaks the rules it must follow (for example, changes made after signing that are not allowed, or a broken timestamp).",
                "Bản thân chữ ký có thể còn nguyên vẹn, nhưng tài liệu hoặc chữ ký vi phạm quy tắc phải tuân theo (ví dụ có thay đổi không được phép sau khi ký, hoặc dấu thời gian bị hỏng)."),
            _ => ("The signature could not be fully validated.", "Không thể xác thực đầy đủ chữ ký."),
        };
        if (detail.Length > 0) { en += " Detail: " + detail; vi += " Chi tiết (tiếng Anh): " + detail; }
        return new Explanation(en, vi);
    }

    public static Explanation ForDocument(Indication indication, int signatures, int passed)
    {
        if (signatures == 0)
            return new("The file contains no signature that could be checked.", "Tệp không chứa chữ ký nào có thể kiểm tra.");
        return indication switch
        {
            Indication.TOTAL_PASSED => new($"All {signatures} signature(s) and timestamp(s) are valid.", $"Tất cả {signatures} chữ ký và dấu thời gian đều hợp lệ."),
            Indication.TOTAL_FAILED => new($"At least one signature is invalid ({passed} of {signatures} passed). Do not rely on this document without further investigation.",
                $"Có ít nhất một chữ ký không hợp lệ ({passed}/{signatures} đạt). Không nên dựa vào tài liệu này khi chưa xem xét thêm."),
            _ => new($"Not every signature could be confirmed ({passed} of {signatures} passed); see each signature for the reason.",
                $"Chưa thể xác nhận mọi chữ ký ({passed}/{signatures} đạt); xem lý do ở từng chữ ký."),
        };
    }
}
