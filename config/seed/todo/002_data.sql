INSERT INTO todo (title) VALUES ('try /dolly create todo'), ('break it'), ('/dolly reset it');
