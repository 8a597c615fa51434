def test_a_new_project_without_stages_shows_no_stage_badge(client, users, make_project, units):
    """Issue 12: a project just entered (no stage event) showed the 洽谈 badge."""
    project = make_project(units["a"])
    client.force_login(users["bureau"])
    page = client.get(project.get_absolute_url()).content.decode()
    badge = page.split('id="project-stage">')[1].split("</span>")[0]
    assert badge == "尚未登记阶段。"
