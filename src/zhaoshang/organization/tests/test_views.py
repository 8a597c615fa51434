def test_a_leader_logs_in_to_their_home(client, users):
    """Issue 12: a leader's login lands on their home (issue 14), the others' on the ledger."""
    for name, page in (("leader", "/leaders/home/"), ("bureau", "/projects/")):
        user = users[name]
        user.set_password("s3cret-pass-2026")
        user.save()
        response = client.post("/login/", {"username": user.username, "password": "s3cret-pass-2026"}, follow=True)
        assert response.redirect_chain[-1][0] == page, name
        client.logout()
