def test_home_page_is_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.get_data(as_text=True)


def test_sign_in_and_out(client, people):
    from crpm_cms.testing import sign_in

    sign_in(client, people["member"])
    assert client.get("/account").status_code == 200
    client.post_form("/logout")
    assert client.get("/account").status_code == 302
